"""The scenario store: values come back as saved, concurrent saves lose nothing,
and a save that fails half-way leaves the previous version."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from mitigation.exceptions import InputError
from mitigation.store import STORE_ENV, Store, store_path

SETTINGS = {
    "plant": "cement_guangdong",
    "on": ["carbon_price"],
    "levels": {"carbon_price_cny_per_t": 87.5, "subsidy_share": 0.15},
    "covered_scopes": [1, 2],
}


def test_saved_values_come_back_with_type_and_precision(tmp_path) -> None:
    store = Store(tmp_path / "s.sqlite")
    store.save("a", "name: a\n", "name: r\n", SETTINGS, {"abatement_t": 1234.5625})
    saved = store.load("a")
    assert saved.settings == SETTINGS
    assert type(saved.settings["levels"]["carbon_price_cny_per_t"]) is float
    assert saved.settings["levels"]["subsidy_share"] == 0.15
    assert saved.results == {"abatement_t": 1234.5625}
    assert (saved.scenario_yaml, saved.reference_yaml) == ("name: a\n", "name: r\n")


def test_path_from_the_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(STORE_ENV, str(tmp_path / "env.sqlite"))
    assert store_path() == tmp_path / "env.sqlite"
    assert store_path(tmp_path / "given.sqlite") == tmp_path / "given.sqlite"


def test_a_failed_save_leaves_the_previous_version(tmp_path) -> None:
    store = Store(tmp_path / "s.sqlite")
    store.save("a", "v1", "r", {"level": 1.0}, {})

    def crash() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        store.save("a", "v2", "r", {"level": 2.0}, {}, _before_commit=crash)
    assert store.load("a").scenario_yaml == "v1"
    assert store.load("a").settings == {"level": 1.0}
    # The store is still usable afterwards.
    store.save("b", "v1", "r", {}, {})
    assert store.names() == ["a", "b"]


SAVE_MANY = """
import sys
from mitigation.store import Store
store = Store(sys.argv[1])
for i in range(int(sys.argv[3])):
    name = f"{sys.argv[2]}{i}"
    store.save(name, f"name: {name}\\n", "r", {"i": i}, {})
"""


def test_two_processes_saving_at_once_lose_nothing(tmp_path) -> None:
    path = str(tmp_path / "s.sqlite")
    Store(path)
    workers = [
        subprocess.Popen([sys.executable, "-c", SAVE_MANY, path, prefix, "40"])
        for prefix in ("x", "y")
    ]
    for worker in workers:
        assert worker.wait(60) == 0
    names = set(Store(path).names())
    assert names == {f"{p}{i}" for p in "xy" for i in range(40)}
    assert Store(path).load("y39").settings == {"i": 39}


def test_two_threads_saving_the_same_name_keep_one_whole_version(tmp_path) -> None:
    path = tmp_path / "s.sqlite"
    Store(path)

    def save(tag: str) -> None:
        store = Store(path)
        for _ in range(30):
            store.save(
                "shared", f"yaml {tag}", f"ref {tag}", {"tag": tag}, {"tag": tag}
            )

    threads = [threading.Thread(target=save, args=(tag,)) for tag in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    saved = Store(path).load("shared")
    tag = saved.settings["tag"]
    assert (saved.scenario_yaml, saved.reference_yaml, saved.results["tag"]) == (
        f"yaml {tag}",
        f"ref {tag}",
        tag,
    )


def test_unknown_name_and_unwritable_folder_are_input_errors(tmp_path) -> None:
    with pytest.raises(InputError, match="no saved scenario 'nope'"):
        Store(tmp_path / "s.sqlite").load("nope")
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(InputError, match="cannot open the store"):
        Store(blocker / "s.sqlite")
