"""English and Simplified Chinese for every label, message, unit and chart title.

Chinese terms follow Chinese standards and the national ETS: 单位产品碳排放 (product
emission intensity), 功能单位 (functional unit), 吨标准煤 (tce), 熟料 (clinker),
碳排放因子 (emission factor), 碳价 (carbon price), 免费配额 (free allocation),
节能奖励 (energy-saving reward), 差别电价 (differential tariff).
Names from model files (products, grades, stages, options) carry their own
``label_zh`` and are looked up there, with the English name as fallback.
"""

from __future__ import annotations

from mitigation.report.translations import LANGUAGES, TERMS, text_of

__all__ = ["CATALOGUE", "LANGUAGES", "named", "translate"]

# Terms the certification reports use too are taken from their catalogue, once.
SHARED = ("scope.2", "scope.3", "col.value", "col.unit")

CATALOGUE: dict[str, tuple[str, str]] = {
    **{key: TERMS[key] for key in SHARED},
    # shell
    "app.title": ("Low-carbon workshop", "低碳研讨工作台"),
    "app.language": ("Language", "语言"),
    "app.page": ("Page", "页面"),
    "page.footprint": ("Footprint and label", "碳足迹与标识"),
    "page.options": ("Options and pathway", "减排措施与路径"),
    "page.policy": ("Policy instruments", "政策工具"),
    "page.workshop": ("Workshop", "研讨会"),
    "page.sensitivity": ("Sensitivity", "敏感性分析"),
    # sensitivity
    "sens.heading": (
        "Which uncertain inputs change the answer?",
        "哪些不确定因素影响结果？",
    ),
    "sens.intro": (
        "A small analysis of a scenario's declared uncertain parameters runs here; "
        "large ones run with 'mitigation sensitivity' and can be shown from their folder.",
        "此处可对情景声明的不确定参数进行小规模分析；大规模分析请使用“mitigation sensitivity”，"
        "结果可从其文件夹读取显示。",
    ),
    "sens.no_scenario": (
        "No scenario in scenarios/sensitivity/ declares uncertain parameters.",
        "scenarios/sensitivity/ 中没有声明不确定参数的情景。",
    ),
    "sens.method": ("Method", "方法"),
    "sens.method.oat": ("One at a time (tornado)", "单因素（龙卷风图）"),
    "sens.method.morris": ("Morris screening", "Morris 筛选法"),
    "sens.method.sobol": ("Sobol indices", "Sobol 指数"),
    "sens.samples": ("Base samples", "基础样本数"),
    "sens.seed": ("Seed", "随机种子"),
    "sens.running": ("Solving the samples…", "正在求解样本……"),
    "sens.design": (
        "{method}: {parameters} parameters, {evaluations} solves, seed {seed}",
        "{method}：{parameters} 个参数，{evaluations} 次求解，随机种子 {seed}",
    ),
    "sens.failed": (
        "{count} samples have no optimal pathway: narrow the parameters' ranges.",
        "{count} 个样本没有最优路径：请缩小参数范围。",
    ),
    "sens.nothing_varies": (
        "No output varies over this design.",
        "在该样本设计下没有输出发生变化。",
    ),
    "sens.output": ("Output", "输出指标"),
    "sens.chart": ("Sensitivity", "敏感性"),
    "sens.out.total_cost_mcny": (
        "Discounted cost, million CNY",
        "折现总成本（百万元）",
    ),
    "sens.out.cumulative_emissions_t": (
        "Cumulative emissions, t CO2e",
        "累计排放量（吨二氧化碳当量）",
    ),
    "sens.out.abatement_cost_cny_per_t": (
        "Abatement cost, CNY per t CO2e",
        "单位减排成本（元/吨二氧化碳当量）",
    ),
    "sens.out.label_year": (
        "Year the label threshold is first met",
        "首次达到低碳产品限值的年份",
    ),
    "sens.out.adoption": ("Share of the measure in the last year", "末年措施产出比例"),
    "sens.stored_heading": ("A stored study", "已保存的分析"),
    "sens.trace.S1": ("First-order index S1", "一阶指数 S1"),
    "sens.trace.ST": ("Total index ST", "总效应指数 ST"),
    "sens.trace.low": ("At the 5th percentile", "取第 5 百分位值"),
    "sens.trace.high": ("At the 95th percentile", "取第 95 百分位值"),
    "sens.axis.sobol.x": ("Uncertain parameter", "不确定参数"),
    "sens.axis.sobol.y": ("Share of the output's variance", "占输出方差的比例"),
    "sens.axis.morris.x": (
        "mu* (mean absolute elementary effect)",
        "mu*（平均绝对基本效应）",
    ),
    "sens.axis.morris.y": (
        "sigma (interactions, non-linearity)",
        "sigma（交互作用与非线性）",
    ),
    "sens.axis.oat.x": ("{output}", "{output}"),
    "sens.axis.oat.y": ("Uncertain parameter", "不确定参数"),
    "sens.col.parameter": ("Parameter", "参数"),
    "sens.col.S1": ("S1", "一阶指数 S1"),
    "sens.col.S1_conf": ("S1 ± (95 %)", "S1 置信区间（95%）"),
    "sens.col.ST": ("ST", "总效应指数 ST"),
    "sens.col.ST_conf": ("ST ± (95 %)", "ST 置信区间（95%）"),
    "sens.col.mu": ("mu", "mu"),
    "sens.col.mu_star": ("mu*", "mu*"),
    "sens.col.sigma": ("sigma", "sigma"),
    "sens.col.mu_star_conf": ("mu* ± (95 %)", "mu* 置信区间（95%）"),
    "sens.col.low_value": ("Low value", "低值"),
    "sens.col.high_value": ("High value", "高值"),
    "sens.col.output_at_low": ("Output at low", "低值时输出"),
    "sens.col.output_at_high": ("Output at high", "高值时输出"),
    "sens.col.output_at_centre": ("Output at medians", "中位值时输出"),
    "sens.col.swing": ("Swing", "变化幅度"),
    "sens.folder": (
        "Folder written by 'mitigation sensitivity --out'",
        "“mitigation sensitivity --out”写出的文件夹",
    ),
    "app.caption": (
        "Product carbon footprints, least-cost abatement and policy instruments "
        "for Chinese industry.",
        "中国工业产品碳足迹、最低成本减排路径与政策工具分析。",
    ),
    # common
    "common.product": ("Product", "产品"),
    "common.grade": ("Grade", "品种"),
    "common.region": ("Region", "地区"),
    "common.plant_type": ("Plant type", "生产线类型"),
    "common.plant": ("Plant", "企业（生产线）"),
    "common.year": ("Year", "年份"),
    "common.stage": ("Stage", "生产阶段"),
    "common.scope": ("Scope", "范围"),
    "common.option": ("Option", "减排措施"),
    "common.scenario": ("Scenario", "情景"),
    "common.reference": ("Reference (no policy)", "基准情景（无政策）"),
    "common.current": ("Current settings", "当前设置"),
    "common.error": ("The input cannot be used", "输入无法使用"),
    "common.details": ("Details (from the model)", "详细信息（模型原文）"),
    "common.unit_kg": ("kg CO2e", "千克二氧化碳当量"),
    "common.unit_t": ("t CO2e", "吨二氧化碳当量"),
    # Short forms for headline figures, as Chinese reports print them.
    "common.kg_short": ("kg CO2e", "kgCO₂e"),
    "common.t_short": ("t CO2e", "tCO₂e"),
    "common.display_unit": ("Show emissions in", "排放显示单位"),
    "common.none": ("none", "无"),
    "common.yes": ("yes", "是"),
    "common.no": ("no", "否"),
    "scope.1": ("Scope 1 (direct)", "范围一（直接排放）"),
    # footprint page
    "fp.heading": (
        "Product carbon footprint per functional unit",
        "单位功能单位产品碳足迹",
    ),
    "fp.total": ("Product emission intensity", "单位产品碳排放"),
    "fp.per_fu": ("per functional unit", "每功能单位"),
    "fp.functional_unit": ("Functional unit", "功能单位"),
    "fp.chart_title": (
        "Footprint by stage and scope",
        "按生产阶段和范围划分的碳足迹",
    ),
    "fp.table": ("Footprint by stage and scope", "分阶段、分范围碳足迹"),
    "fp.total_row": ("Total", "合计"),
    "fp.grid_basis": ("Grid emission factor", "电网碳排放因子"),
    "fp.grid.latest": (
        "Provincial factor, MEE/NBS 2022",
        "省级电网排放因子（生态环境部/国家统计局 2022）",
    ),
    "fp.grid.regional_2012": (
        "Regional grid average, NDRC 2012",
        "区域电网平均排放因子（国家发展改革委 2012）",
    ),
    "fp.label_heading": ("Low-carbon product label", "低碳产品认证"),
    "fp.threshold": ("Label threshold", "认证限值"),
    "fp.distance": ("Distance to the threshold", "距认证限值"),
    "fp.qualifies": (
        "The footprint is below the threshold: the product qualifies.",
        "碳足迹低于限值：产品满足低碳产品认证要求。",
    ),
    "fp.misses": (
        "The footprint is {gap} {unit} above the threshold.",
        "碳足迹高于限值 {gap} {unit}。",
    ),
    "fp.no_threshold": (
        "No published basis for a label threshold of this product and grade; "
        "data/label_thresholds.csv has none.",
        "该产品及品种暂无可依据的认证限值（data/label_thresholds.csv 中未列出）。",
    ),
    "fp.threshold_source": ("Basis of the threshold", "限值依据"),
    "fp.quota_heading": (
        "Energy-consumption quota standards",
        "单位产品能源消耗限额标准",
    ),
    "fp.energy": ("Energy bought per functional unit", "单位产品综合能耗"),
    "fp.no_quota": (
        "No quota standard in data/quotas.csv for this product.",
        "data/quotas.csv 中没有该产品的能耗限额标准。",
    ),
    "fp.upload_heading": ("Your own activity data", "上传本企业活动数据"),
    "fp.upload": (
        "Upload the filled-in data-collection template (CSV or Excel)",
        "上传已填写的数据收集模板（CSV 或 Excel）",
    ),
    "fp.own_footprint": ("Your footprint", "本企业碳足迹"),
    "fp.upload_gaps": (
        "{count} consistency check(s) show a gap above 5 %: run 'mitigation certify' "
        "on the file for the full report.",
        "{count} 项一致性核对差距超过 5%：请对该文件运行“mitigation certify”查看完整报告。",
    ),
    "col.standard": ("Standard", "标准"),
    "col.indicator": ("Indicator", "指标"),
    "col.plant_class": ("Plant class", "企业类别"),
    "col.level": ("Level", "等级"),
    "col.source": ("Source", "来源"),
    "col.region": ("Region", "地区"),
    "col.intensity_kg_per_fu": (
        "Intensity, kg CO2e per functional unit",
        "单位产品碳排放（千克二氧化碳当量/功能单位）",
    ),
    "col.target_kg_per_fu": (
        "Target, kg CO2e per functional unit",
        "目标值（千克二氧化碳当量/功能单位）",
    ),
    "col.abatement_t_per_yr": (
        "Abatement, t CO2e a year",
        "减排量（吨二氧化碳当量/年）",
    ),
    "col.total_cost_cny_per_yr": ("Annual cost, CNY", "年度成本（元）"),
    "col.capital_annuity_cny_per_yr": ("of which capital, CNY", "其中投资年金（元）"),
    "col.shadow_price_cny_per_t": (
        "Shadow price of the target, CNY/t CO2e",
        "目标影子价格（元/吨二氧化碳当量）",
    ),
    "col.parameter": ("Parameter", "参数"),
    "col.read_in": ("How it was read", "数据性质"),
    # options page
    "opt.heading": (
        "Abatement options and the least-cost pathway",
        "减排措施与最低成本路径",
    ),
    "opt.catalogue": ("Option catalogue", "减排措施清单"),
    "opt.scenario": ("Shipped scenario", "预置情景"),
    "opt.target_scale": (
        "Targets as % of the scenario's",
        "目标值（占情景目标的百分比）",
    ),
    "opt.cost": ("Discounted cost of the pathway", "路径贴现总成本"),
    "opt.baseline": ("Baseline footprint", "基准碳足迹"),
    "opt.mcny": ("million CNY", "百万元"),
    "opt.adoption_title": (
        "Adoption: share of its commodity each option supplies",
        "各减排措施的采用比例",
    ),
    "opt.share": ("Share", "比例"),
    "opt.intensity_title": (
        "Product emission intensity against the target",
        "单位产品碳排放与目标值",
    ),
    "opt.intensity": ("Intensity", "单位产品碳排放"),
    "opt.target": ("Target", "目标值"),
    "opt.costs_title": ("Annual cost by kind", "年度成本构成"),
    "opt.cny_per_yr": ("CNY a year", "元/年"),
    "opt.no_adoption": ("No option is adopted.", "未采用任何减排措施。"),
    "opt.periods": ("Pathway by period", "分期路径"),
    "opt.macc_heading": ("Marginal abatement cost curves", "边际减排成本曲线"),
    "opt.macc_button": ("Compute both curves", "计算两条曲线"),
    "opt.macc_note": (
        "Sweeps a price on the whole footprint (some seconds).",
        "对全部碳足迹扫描碳价（需数秒）。",
    ),
    "opt.macc_option_title": (
        "Option by option (each alone against the plant as it is)",
        "逐项措施曲线（各措施单独相对现状）",
    ),
    "opt.macc_optim_title": (
        "From the optimisation (interactions counted)",
        "优化模型曲线（计入措施相互作用）",
    ),
    "opt.cny_per_t": ("CNY per t CO2e", "元/吨二氧化碳当量"),
    "opt.abatement_t": ("Abatement, t CO2e a year", "减排量（吨二氧化碳当量/年）"),
    "cost.purchases_cny_per_yr": ("Purchases", "外购能源与原料"),
    "cost.surcharges_cny_per_yr": ("Surcharges", "差别电价加价"),
    "cost.option_variable_cny_per_yr": ("Option variable cost", "措施可变成本"),
    "cost.fixed_om_cny_per_yr": ("Fixed O&M", "固定运维成本"),
    "cost.capital_annuity_cny_per_yr": ("Capital annuity", "投资年金"),
    "cost.carbon_payments_cny_per_yr": ("Carbon payments", "碳排放支出"),
    # policy page
    "pol.heading": (
        "Policy instruments against the reference",
        "政策工具与基准情景对比",
    ),
    "pol.start": ("Start from", "起始情景"),
    "pol.start_button": ("Take these settings", "采用该情景设置"),
    "pol.instruments": ("Instruments", "政策工具"),
    "pol.barriers": ("Barriers", "投资障碍"),
    "sw.carbon_price": ("Carbon price", "碳价"),
    "sw.capital_subsidy": ("Capital subsidy", "投资补贴"),
    "sw.retrofit_reward": ("Energy-saving retrofit reward", "节能技术改造奖励"),
    "sw.energy_tax": ("Differential electricity tariff", "差别电价"),
    "sw.intensity_standard": ("Intensity standard", "碳排放强度标准"),
    "sw.label_premium": ("Low-carbon label premium", "低碳产品溢价"),
    "sw.green_loan": ("Green loan", "绿色贷款"),
    "sw.hurdle_rate": ("Hurdle rate", "最低期望收益率"),
    "sw.max_payback": ("Maximum payback period", "最长投资回收期"),
    "sw.capital_budget": ("Capital budget", "投资预算"),
    "lv.carbon_price_cny_per_t": (
        "Carbon price, CNY/t CO2e",
        "碳价（元/吨二氧化碳当量）",
    ),
    "lv.free_allocation_kg_per_fu": (
        "Free allocation benchmark, kg CO2e per functional unit",
        "免费配额基准值（千克二氧化碳当量/功能单位）",
    ),
    "lv.allocation": ("Free allocation", "免费配额"),
    "alloc.none": ("none (all emissions paid)", "无（全部排放付费）"),
    "alloc.baseline": (
        "grandfathered at the plant's baseline",
        "按企业基准强度（历史法）",
    ),
    "alloc.benchmark": (
        "benchmark per functional unit",
        "按功能单位基准值（基准线法）",
    ),
    "lv.covered_scopes": ("Covered scopes", "覆盖范围"),
    "lv.subsidy_share": ("Subsidy, % of capital", "补贴比例（占投资的 %）"),
    "lv.reward_cny_per_tce": (
        "Reward, CNY per tce saved a year",
        "奖励标准（元/吨标准煤节能量）",
    ),
    "lv.surcharge_cny_per_kwh": ("Surcharge, CNY/kWh", "加价标准（元/千瓦时）"),
    "lv.standard_kg_per_fu": (
        "Ceiling, kg CO2e per functional unit",
        "限值（千克二氧化碳当量/功能单位）",
    ),
    "lv.label_threshold_kg_per_fu": (
        "Label threshold, kg CO2e per functional unit",
        "认证限值（千克二氧化碳当量/功能单位）",
    ),
    "lv.label_premium_cny_per_fu": (
        "Premium, CNY per functional unit",
        "溢价（元/功能单位）",
    ),
    "lv.loan_rate": ("Loan rate, % a year", "贷款利率（%/年）"),
    "lv.loan_tenor_years": ("Loan tenor, years", "贷款期限（年）"),
    "lv.hurdle_rate": ("Hurdle rate, % a year", "最低期望收益率（%/年）"),
    "lv.max_payback_years": ("Maximum payback, years", "最长回收期（年）"),
    "lv.capital_budget_mcny": (
        "Capital budget, million CNY per period",
        "每期投资预算（百万元）",
    ),
    "pol.comparison": ("Comparison with the reference", "与基准情景对比"),
    "m.abatement_t": ("Abatement", "减排量"),
    "m.enterprise_cost_mcny": ("Enterprise net cost", "企业净成本"),
    "m.public_cost_mcny": ("Public cost", "财政成本"),
    "m.resource_cost_mcny": ("Resource cost to society", "社会资源成本"),
    "m.public_cost_cny_per_t": ("Public cost per t abated", "单位减排财政成本"),
    "m.social_cost_cny_per_t": ("Social cost per t abated", "单位减排社会成本"),
    "m.free_rider_share": ("Free-rider share of grants", "补贴搭便车比例"),
    "m.first_labelled_year": ("First labelled year", "首次达到认证年份"),
    "m.cumulative_emissions_t": ("Cumulative emissions", "累计排放"),
    "m.instruments": ("Instruments", "政策工具"),
    "unit.t": ("t CO2e", "吨二氧化碳当量"),
    "unit.mcny": ("million CNY", "百万元"),
    "unit.cny_per_t": ("CNY/t CO2e", "元/吨二氧化碳当量"),
    "unit.share": ("%", "%"),
    "pol.chart_title": (
        "Intensity pathway: reference and current settings",
        "单位产品碳排放路径：基准情景与当前设置",
    ),
    "pol.bars_title": ("Costs against the reference", "与基准情景的成本对比"),
    "pol.solve_time": ("Re-solved in {ms} ms", "重新求解用时 {ms} 毫秒"),
    "pol.never": ("never", "未达到"),
    # workshop page
    "ws.heading": ("Save, load and compare scenarios", "保存、载入与比较情景"),
    "ws.name": ("Scenario name", "情景名称"),
    "ws.save": ("Save current settings", "保存当前设置"),
    "ws.saved": ("Saved '{name}'.", "已保存“{name}”。"),
    "ws.name_missing": ("Give the scenario a name first.", "请先输入情景名称。"),
    "ws.store": ("Store", "存储位置"),
    "ws.load_heading": ("Saved scenarios", "已保存的情景"),
    "ws.choose": ("Scenario to load", "选择要载入的情景"),
    "ws.load": ("Load into the policy page", "载入到政策工具页面"),
    "ws.loaded": ("Loaded '{name}'.", "已载入“{name}”。"),
    "ws.none_saved": ("No scenario saved yet.", "尚未保存任何情景。"),
    "ws.compare": ("Compare (up to six)", "对比（最多六个）"),
    "ws.compare_title": ("Saved scenarios side by side", "已保存情景对比"),
    "ws.excel": ("Export the comparison to Excel", "导出对比表（Excel）"),
    "ws.yaml_heading": ("Scenario files", "情景文件"),
    "ws.export_yaml": ("Export current scenario as YAML", "导出当前情景（YAML）"),
    "ws.import_yaml": ("Import a scenario (YAML)", "导入情景（YAML）"),
    "ws.imported": (
        "Imported '{name}': the policy page now uses it.",
        "已导入“{name}”，政策工具页面已采用该情景。",
    ),
    "ws.simplified": (
        "Simplified on import (first amount kept): {what}",
        "导入时已简化（保留首个数值）：{what}",
    ),
    # files of a policy folder, named by the instrument they add
    "file.reference": ("Reference (no policy)", "基准情景（无政策）"),
    "file.national_ets": ("National ETS price", "全国碳市场碳价"),
    "file.guangdong_pilot": ("Guangdong pilot ETS price", "广东试点碳市场碳价"),
    "file.chongqing_pilot": ("Chongqing pilot ETS price", "重庆试点碳市场碳价"),
    "file.retrofit_reward": ("Energy-saving retrofit reward", "节能技术改造奖励"),
    "file.differential_tariff": ("Differential electricity tariff", "差别电价"),
    "file.differential_tariff_above_quota": (
        "Differential tariff above the energy quota",
        "超能耗限额差别电价",
    ),
    # errors
    "err.input": ("The input cannot be used", "输入有误，无法使用"),
    "err.target": (
        "No combination of options meets the target",
        "现有减排措施组合无法达到目标",
    ),
    "err.target_line": (
        "{year}: target {target} {unit}, lowest reachable {lowest} {unit}",
        "{year} 年：目标 {target} {unit}，可达到的最低值 {lowest} {unit}",
    ),
    "err.solver": ("The solver found no answer", "求解器未找到解"),
    "err.store": ("The store could not be used", "存储不可用"),
    "err.kept": (
        "Nothing saved was changed; the session goes on.",
        "已保存的内容未受影响，可继续操作。",
    ),
}


def translate(key: str, language: str, **values: object) -> str:
    """The text of ``key`` in ``language``, with ``values`` filled in.

    A key missing from the catalogue is a bug; it is shown as itself so that the
    page still renders, and a test walks every page to find such keys.
    """
    if key not in CATALOGUE:
        return key
    return text_of(CATALOGUE[key], language, **values)


def named(english: str, chinese: str, language: str) -> str:
    """A name from a model or data file: its Chinese form where there is one."""
    return chinese if language == "zh" and chinese else english
