"""English and Simplified Chinese terms of templates, certification reports and their
messages.

Each entry is a pair (English, Chinese) and may hold ``{name}`` fields filled by
:func:`term`. The Chinese follows the terms of Chinese standards and of the
low-carbon product certification rules: 单位产品碳排放 for the footprint per unit of
product, 吨标准煤 for tce, 熟料 for clinker, 排放因子 for an emission factor.
"""

from __future__ import annotations

from typing import Literal

Language = Literal["en", "zh"]
LANGUAGES: tuple[Language, ...] = ("en", "zh")

TERMS: dict[str, tuple[str, str]] = {
    # Sheets and columns of the data-collection template
    "sheet.cover": ("Cover", "封面"),
    "sheet.site": ("Site totals", "全厂计量"),
    "sheet.options": ("Measures in place", "已实施措施"),
    "sheet.guide": ("Guide", "填写说明"),
    "col.key": ("Key", "代码"),
    "col.datum": ("Activity datum", "活动数据"),
    "col.unit": ("Unit", "单位"),
    "col.value": ("Value", "数值"),
    "col.quality": ("Data quality", "数据质量"),
    "col.protocol": ("How it is measured", "获取方式"),
    "col.range": ("Plausible range per functional unit", "单位产品合理范围"),
    "col.explanation": ("Explanation", "说明"),
    "col.field": ("Field", "项目"),
    "col.required": ("Required", "必填"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "quality.measured": ("measured", "实测"),
    "quality.calculated": ("calculated", "计算"),
    "quality.estimated": ("estimated", "估算"),
    "protocol.meter": ("meter reading", "计量表读数"),
    "protocol.invoice": ("purchase invoices", "购买发票"),
    "protocol.weighbridge": ("weighbridge or production record", "地磅或生产记录"),
    "protocol.laboratory": (
        "invoices, with the calorific value from laboratory analysis",
        "购买发票，热值由实验室化验",
    ),
    "protocol.calculation": ("calculation from other records", "由其他记录计算"),
    # Cover fields
    "cover.title": (
        "Low-carbon product data collection: {product}",
        "低碳产品数据收集表：{product}",
    ),
    "cover.hint": (
        "One workbook per plant, product grade and reporting year. Fill the Value column "
        "of every sheet; keep the keys, units and sheet names as they are.",
        "每个工厂、每个产品型号、每个报告年度填写一份。请填写各表“数值”列，不要修改代码、单位和工作表名称。",
    ),
    "cover.plant": ("Plant name", "企业（工厂）名称"),
    "cover.product": ("Product", "产品"),
    "cover.grade": ("Product grade", "产品型号"),
    "cover.plant_type": ("Kind of plant", "生产线类型"),
    "cover.region": ("Region (grid and prices)", "所在地区（电网与价格）"),
    "cover.year": ("Reporting year", "报告年度"),
    "cover.language": ("Language of the template", "填报语言"),
    "cover.template_version": ("Template version", "模板版本"),
    "cover.plant.help": ("As registered", "按营业执照填写"),
    "cover.product.help": (
        "Set by the template; do not change",
        "由模板确定，请勿修改",
    ),
    "cover.grade.help": ("Set by the template; do not change", "由模板确定，请勿修改"),
    "cover.plant_type.help": (
        "Set by the template; do not change",
        "由模板确定，请勿修改",
    ),
    "cover.region.help": ("One of: {choices}", "可选：{choices}"),
    "cover.year.help": (
        "Calendar year the data cover, e.g. 2025",
        "数据所属年份，如 2025",
    ),
    "stage.title": ("Stage: {stage}", "工序：{stage}"),
    "stage.hint": (
        "Amounts for the whole reporting year. Leave a value empty only where the "
        "Required column says no.",
        "填写报告年度全年数量。仅“必填”为“否”的项目可以留空。",
    ),
    "site.title": ("Totals metered for the whole site", "全厂计量总量"),
    "site.hint": (
        "Totals from the site's main meters and invoices; they are checked against the "
        "sum of the stages.",
        "填写全厂总表和发票的总量，用于与各工序之和核对。",
    ),
    "options.title": (
        "Measures in place during the reporting year",
        "报告年度已实施的减排措施",
    ),
    "options.hint": (
        "For each measure, the share (0 to 1) of its output it supplied over the year; "
        "0 or empty where it is not in place.",
        "每项措施在全年中所占的产出比例（0 到 1），未实施填 0 或留空。",
    ),
    # Data labels and explanations
    "datum.output": ("{commodity} produced", "{commodity}产量"),
    "datum.purchase": ("{commodity} used in this stage", "本工序{commodity}消耗量"),
    "datum.total": ("{commodity}, whole site", "全厂{commodity}总量"),
    "datum.generated": ("{commodity} generated on site", "厂内自产{commodity}"),
    "explain.generated": (
        "Made on site (waste-heat power, rooftop PV) and used by the stages; what is "
        "bought is the stages' use less this.",
        "厂内自产（余热发电、屋顶光伏）并供各工序使用；外购量为各工序用量减去该数量。",
    ),
    "datum.share": ("Share supplied by: {option}", "措施产出比例：{option}"),
    "explain.output.product": (
        "Output of the product in the year; the footprint is given per {fu} of it.",
        "全年产品产量；碳排放按每{fu}产品计算。",
    ),
    "explain.output.process": (
        "Needed for the process emissions of this stage ({factors}).",
        "用于计算本工序过程排放（{factors}）。",
    ),
    "explain.output.intermediate": (
        "Used to check the data of the stages against each other.",
        "用于各工序数据之间的一致性核对。",
    ),
    "explain.purchase.fuel": (
        "Combustion emissions use the {dataset} factor of this fuel (scope 1).",
        "燃烧排放采用该燃料的{dataset}排放因子（范围一）。",
    ),
    "explain.purchase.grid": (
        "Purchased electricity, at the grid emission factor of the region (scope 2).",
        "外购电力，采用所在地区电网排放因子（范围二）。",
    ),
    "explain.purchase.material": (
        "Purchased material, at its cradle-to-gate emission factor (scope 3).",
        "外购原材料，采用其从摇篮到大门的排放因子（范围三）。",
    ),
    "explain.purchase.none": (
        "Carried without burden (by-product under the cut-off rule); recorded for the "
        "mass balance.",
        "按截断规则不计排放（副产品），仅用于物料平衡。",
    ),
    "explain.total": (
        "{commodity} bought for the whole site (main meter or invoices); checked against "
        "the stages' use less what is made on site.",
        "全厂外购{commodity}（总表或发票）；与各工序用量减厂内自产量核对。",
    ),
    "explain.share": (
        "Share of {commodity} that this measure supplied; compared with the optimal plan "
        "by the monitoring command.",
        "该措施提供的{commodity}比例；监测时与最优路径比较。",
    ),
    "range.text": ("{low} to {high} {unit} per {fu}", "每{fu} {low}～{high} {unit}"),
    # Problems found in a filled template
    "problem.no_file": ("no such file", "文件不存在"),
    "problem.not_a_workbook": (
        "cannot be read as an Excel workbook or a CSV template ({reason})",
        "无法读取为 Excel 工作簿或 CSV 模板（{reason}）",
    ),
    "problem.not_a_template_file": (
        "is neither an Excel workbook (.xlsx) nor a CSV form (.csv)",
        "既不是 Excel 工作簿（.xlsx），也不是 CSV 表（.csv）",
    ),
    "fix.not_a_workbook": (
        "save the filled template as .xlsx or .csv and try again",
        "请将填好的模板另存为 .xlsx 或 .csv 后重试",
    ),
    "problem.missing_sheet": ("the sheet is missing", "缺少该工作表"),
    "problem.unknown_row": (
        "the row '{key}' is not a row of this template",
        "代码为“{key}”的行不属于本模板",
    ),
    "fix.unknown_row": (
        "delete the row, or enter its amount in a row of the template (a new fuel or "
        "material needs a model option of its own)",
        "请删除该行，或将数量填入模板已有的行（新的燃料或原材料需在模型中增加相应措施）",
    ),
    "problem.shares_above_one": (
        "the measures {datum} together supply {total} of their output, more than all",
        "措施 {datum} 的产出比例合计为 {total}，超过 1",
    ),
    "fix.shares_above_one": (
        "give each measure its share of the year's output; together at most 1",
        "请填写各措施占全年产出的比例，合计不超过 1",
    ),
    "problem.generated_above_use": (
        "'{datum}' is {given}, more than the stages use ({used})",
        "“{datum}”为 {given}，超过各工序用量（{used}）",
    ),
    "fix.generated_above_use": (
        "report what the stages used, including what the site made; electricity sold "
        "to the grid is not counted here",
        "请按各工序实际用量（含厂内自产）填写；上网外售电量不在此处填写",
    ),
    "problem.not_utf8": (
        "the CSV is not saved in UTF-8",
        "CSV 文件不是 UTF-8 编码",
    ),
    "fix.not_utf8": (
        "save it again as 'CSV UTF-8', or fill in the Excel workbook instead",
        "请另存为“CSV UTF-8”格式，或改用 Excel 工作簿填写",
    ),
    "fix.missing_sheet": (
        "use a template written by 'mitigation template' and keep its sheets",
        "请使用“mitigation template”生成的模板，并保留全部工作表",
    ),
    "problem.missing_row": ("the row '{key}' is missing", "缺少代码为“{key}”的行"),
    "fix.missing_row": (
        "keep every row of the template; leave optional values empty instead",
        "请保留模板中的所有行；非必填项可留空",
    ),
    "problem.missing_value": ("no value for '{datum}'", "“{datum}”未填写数值"),
    "fix.missing_value": ("fill in the amount for the year", "请填写全年数量"),
    "problem.not_a_number": (
        "'{given}' is not a number ('{datum}')",
        "“{given}”不是数字（{datum}）",
    ),
    "fix.not_a_number": (
        "write the number alone, without units or separators, e.g. 1940000",
        "只填写数字，不要带单位或千位分隔符，如 1940000",
    ),
    "problem.negative": (
        "'{datum}' must not be negative, found {given}",
        "“{datum}”不能为负数，填写值为 {given}",
    ),
    "fix.negative": ("write the amount as a positive number", "请填写正数"),
    "problem.share_range": (
        "a share must lie between 0 and 1, found {given} ('{datum}')",
        "比例应在 0 到 1 之间，填写值为 {given}（{datum}）",
    ),
    "fix.share_range": ("write 30 % as 0.3", "30% 请填写为 0.3"),
    "problem.unit_changed": (
        "the unit of '{datum}' was changed to '{given}'",
        "“{datum}”的单位被改为“{given}”",
    ),
    "fix.unit_changed": (
        "give the amount in {unit}, the template's unit, and restore the unit cell",
        "请按模板单位 {unit} 填写，并恢复单位单元格",
    ),
    "problem.out_of_range": (
        "'{datum}' is {per_fu} {unit} per {fu}, outside the plausible range {low} to "
        "{high}",
        "“{datum}”为每{fu} {per_fu} {unit}，超出合理范围 {low}～{high}",
    ),
    "fix.out_of_range": (
        "check the amount and its unit (a factor of 1,000 is a common slip); if the "
        "value is right, certify with --accept-outside-range and explain it",
        "请核对数量和单位（常见错误为相差 1000 倍）；如确认无误，请使用 --accept-outside-range 并说明原因",
    ),
    "problem.bad_quality": (
        "'{given}' is not a data quality",
        "“{given}”不是有效的数据质量类别",
    ),
    "fix.bad_quality": ("use one of: {choices}", "请选择：{choices}"),
    "problem.unknown_product": (
        "unknown product '{given}'",
        "未知产品“{given}”",
    ),
    "fix.unknown_product": ("products with a model: {choices}", "可选产品：{choices}"),
    "problem.unknown_grade": ("unknown grade '{given}'", "未知产品型号“{given}”"),
    "problem.unknown_plant_type": (
        "unknown kind of plant '{given}'",
        "未知生产线类型“{given}”",
    ),
    "problem.unknown_region": ("unknown region '{given}'", "未知地区“{given}”"),
    "fix.choose": ("choose one of: {choices}", "请选择：{choices}"),
    "problem.bad_year": (
        "'{given}' is not a reporting year",
        "“{given}”不是有效的报告年度",
    ),
    "fix.bad_year": ("write the calendar year, e.g. 2025", "请填写公历年份，如 2025"),
    "problem.bad_language": ("unknown language '{given}'", "未知语言“{given}”"),
    "problem.csv_columns": (
        "the CSV lacks the columns {columns}",
        "CSV 文件缺少列：{columns}",
    ),
    "fix.csv_columns": (
        "use the CSV written by 'mitigation template PRODUCT --out FILE.csv', saved "
        "with commas, and keep its header",
        "请使用“mitigation template 产品 --out 文件.csv”生成的 CSV（以逗号分隔），并保留表头",
    ),
    "problem.duplicate_row": (
        "the row '{key}' appears twice (first at {first})",
        "代码“{key}”重复出现（首次出现于 {first}）",
    ),
    "fix.duplicate_row": ("keep one of the two rows", "请只保留其中一行"),
    "problem.product_output_zero": (
        "the product output must be more than zero",
        "产品产量必须大于零",
    ),
    "problem.mixed_plants": (
        "the templates are of different plants, products or regions ({found})",
        "模板属于不同工厂、产品或地区（{found}）",
    ),
    "fix.mixed_plants": (
        "monitor one plant and product grade at a time",
        "请每次只监测一个工厂的一个产品型号",
    ),
    "problem.same_year": (
        "two templates report the year {year}",
        "两份模板填报了同一年度 {year}",
    ),
    "fix.same_year": ("give one filled template per year", "每个年度只提供一份模板"),
    "where.cell": (
        "{file}, sheet '{sheet}', cell {cell}",
        "{file}，工作表“{sheet}”，单元格 {cell}",
    ),
    "where.sheet": ("{file}, sheet '{sheet}'", "{file}，工作表“{sheet}”"),
    "where.row": ("{file}, row {row}", "{file}，第 {row} 行"),
    "problems.heading": (
        "The filled template has {count} problem(s):",
        "填报数据存在 {count} 个问题：",
    ),
    # Certification report
    "report.title": (
        "Low-carbon product certification check: {product}",
        "低碳产品认证核查：{product}",
    ),
    "report.plant": ("Plant", "企业"),
    "report.year": ("Reporting year", "报告年度"),
    "report.footprint": ("Footprint per functional unit", "单位产品碳排放"),
    "report.threshold": ("Label threshold", "低碳产品限值"),
    "report.margin": ("Margin below the threshold", "低于限值的裕量"),
    "report.pass": (
        "PASS: the product meets the low-carbon threshold",
        "通过：产品满足低碳产品限值",
    ),
    "report.fail": (
        "FAIL: the product exceeds the low-carbon threshold",
        "未通过：产品超过低碳产品限值",
    ),
    "report.gaps": (
        "NOT CERTIFIED: the footprint meets the threshold, but {count} consistency "
        "check(s) show a gap above 5 %; correct the data or explain the gap first",
        "暂不予认证：碳排放满足限值，但有 {count} 项一致性核对差距超过 5%，请先更正数据或说明原因",
    ),
    "report.no_threshold": (
        "No published label threshold for this product; pass --threshold to judge it.",
        "本产品尚无公开的低碳产品限值；请用 --threshold 指定限值后判定。",
    ),
    "report.by_stage": ("Footprint by stage and scope", "分工序、分范围碳排放"),
    "report.trail": ("Calculation trail", "计算过程"),
    "report.checks": ("Consistency checks", "数据一致性核对"),
    "report.quality": ("Data quality", "数据质量"),
    "report.closing": (
        "Cheapest measures that would close the gap",
        "弥补差距的最低成本措施",
    ),
    "report.closing_none": (
        "No combination of the product's options closes the gap: the lowest footprint "
        "reachable is {lowest} {unit}.",
        "现有措施组合无法弥补差距：可达到的最低碳排放为 {lowest} {unit}。",
    ),
    "report.closing_cost": (
        "Cost of these measures against the plant as it is: {cost} M CNY a year "
        "(negative: they save).",
        "上述措施相对现状的年成本：{cost} 百万元/年（负值表示节约）。",
    ),
    "report.outside_range": (
        "Values outside their plausible range, accepted by the certifier",
        "超出合理范围但经核查人员确认的数据",
    ),
    "col.stage": ("Stage", "工序"),
    "col.scope": ("Scope", "范围"),
    "col.amount": ("Amount", "数量"),
    "col.factor": ("Emission factor", "排放因子"),
    "col.factor_unit": ("Factor unit", "因子单位"),
    "col.emission": ("Emission, kg CO2e", "排放量，kg CO2e"),
    "col.per_fu": ("kg CO2e per functional unit", "kg CO2e/功能单位"),
    "col.source": ("Source of the factor", "因子来源"),
    "col.total": ("Total", "合计"),
    "col.check": ("Check", "核对项"),
    "col.expected": ("Expected", "预期值"),
    "col.reported": ("Reported", "填报值"),
    "col.gap_percent": ("Gap, %", "差距（%）"),
    "col.status": ("Status", "结果"),
    "col.share": ("Share", "比例"),
    "col.count": ("Data", "数据项数"),
    "col.option": ("Measure", "措施"),
    "col.measured_share": ("Data measured, %", "实测数据占比（%）"),
    "col.share_percent": ("Share, %", "比例（%）"),
    "col.year": ("Year", "年度"),
    "col.intensity": ("Footprint", "单位产品碳排放"),
    "col.target": ("Target", "目标"),
    "col.planned": ("Planned share, %", "计划比例（%）"),
    "col.implemented": ("Implemented share, %", "实际比例（%）"),
    "col.to_target": ("Above target", "超出目标"),
    "scope.1": ("Scope 1 (combustion and process)", "范围一（燃烧与过程）"),
    "scope.2": ("Scope 2 (purchased electricity)", "范围二（外购电力）"),
    "scope.3": ("Scope 3 (purchased materials)", "范围三（外购原材料）"),
    "check.ok": ("within tolerance", "在允许范围内"),
    "check.gap": ("gap above {tolerance}", "差距超过 {tolerance}"),
    "check.balance": (
        "{commodity} produced against the use the later stages' output implies",
        "{commodity}产量与后续工序产量推算的用量",
    ),
    "check.meter": (
        "{commodity} bought: site meter against the stages' use less what is made on site",
        "外购{commodity}：全厂计量与各工序用量减厂内自产之差",
    ),
    "check.process_emission": ("process emission: {factor}", "过程排放：{factor}"),
    # Monitoring report
    "monitor.title": ("Monitoring: {plant}, {product}", "监测：{plant}，{product}"),
    "monitor.trend": ("Footprint over the years", "历年单位产品碳排放"),
    "monitor.measures": (
        "Measures in place against the optimal plan",
        "实际措施与最优路径对比",
    ),
    "monitor.no_plan": (
        "No scenario given: pass --scenario to compare with targets and the optimal plan.",
        "未提供情景文件：请用 --scenario 与目标和最优路径比较。",
    ),
    "monitor.chart": ("Footprint against target", "单位产品碳排放与目标"),
}


def term(key: str, lang: Language = "en", /, **fields: object) -> str:
    """The text of ``key`` in ``lang``, with ``fields`` filled in."""
    return text_of(TERMS[key], lang, **fields)


def text_of(texts: tuple[str, str], lang: str, /, **fields: object) -> str:
    """One entry of a catalogue in ``lang`` (English where the other is empty)."""
    text = texts[LANGUAGES.index(lang)] or texts[0]
    return text.format(**fields) if fields else text


def every_language(key: str) -> set[str]:
    """The texts of ``key`` in every language, for reading what either wrote."""
    return set(TERMS[key])
