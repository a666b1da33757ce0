"""The workshop front end: ``streamlit run app.py`` (or ``make app``)."""

from mitigation.app.main import main

main()
