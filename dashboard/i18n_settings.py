"""Interface strings of the settings part of the dashboard: zh-CN and English.

Merged into :mod:`township_atlas.dashboard.i18n`, which is how pages read them (``i18n.t``).
The sidebar, the 图层与底图 controls above each map, the 一张图 title, and 规则设置 (its form:
each rule's label, unit and meaning; the TOML fold; the base-map settings).
"""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    # --- map controls ------------------------------------------------------------------------
    "map_controls": ("图层与底图", "Layers and base map"),
    "map_controls_help": (
        "专题指标、分级方法、图层和底图:各页共用,进入会议模式时保留。",
        "Indicator, class breaks, layers and base map: shared by every page, kept in the "
        "meeting view.",
    ),
    "map_controls_always": ("本页总显示:{layers}", "Always shown on this page: {layers}"),
    "map_title": (
        "{township} {year}年 扶贫一张图 · {indicator}",
        "{township} {year} · poverty map · {indicator}",
    ),
    "basemap_online_note": (
        "需要联网:瓦片来自 {host}。",
        "Needs the internet: its tiles come from {host}.",
    ),
    "basemap_unreachable": (
        "本机连不上{name}的瓦片服务器({host}):底图会是一片灰色。没有网络时请在“图层与底图”"
        "中改选“无底图(离线)”,或在“规则设置”页设置本地瓦片。",
        "This computer cannot reach the tile server of {name} ({host}): the base map will be "
        "grey. Offline, choose “None (offline)” under Layers and base map, or set local tiles "
        "on the Exit rules page.",
    ),
    "basemap_more": (
        "天地图(需密钥)和本地瓦片在“规则设置”页的“底图设置”中设置。",
        "Tianditu (needs a key) and local tiles are set under Base-map settings on the Exit "
        "rules page.",
    ),
    "basemap_settings_bad": (
        "底图设置文件无法读取:见“规则设置”页的“底图设置”。",
        "The base-map settings file cannot be read: see Base-map settings on the Exit rules page.",
    ),
    "basemap_tiles_bad": (
        "本地瓦片无法使用:见“规则设置”页的“底图设置”。",
        "The local tiles cannot be used: see Base-map settings on the Exit rules page.",
    ),
    # 搬迁安置's figures: the unit in the label, so the value fits a narrow column
    "reloc_households_metric": ("搬迁户数(已入住/计划,户)", "Households (moved in / planned)"),
    "reloc_persons_metric": ("搬迁人数(已入住/计划,人)", "People (moved in / planned)"),
    # --- 规则设置 ------------------------------------------------------------------------------
    "rules_hint": (
        "出列、脱贫和监测的判定标准,保存在本工作空间中。改好后点“保存规则”:每一项都会先检查,"
        "有误时指出是哪一项、为什么,不会保存。",
        "The rules for exit, poverty and monitoring, kept in this workspace. Change them, then "
        "save: every value is checked first; a problem names the rule and why, and nothing is "
        "saved.",
    ),
    "rules_default": (
        "本工作空间使用默认规则(来自国家和省里的政策文件)。",
        "This workspace uses the default rules (from the national and provincial policies).",
    ),
    "rules_form_save": ("保存规则", "Save the rules"),
    "rules_broken": (
        "工作空间中保存的规则有误,下面的表单显示默认值:请在“高级:直接编辑 TOML”中修正,"
        "或点“恢复默认”。",
        "The rules stored in the workspace are invalid; the form shows the defaults: fix them "
        "under Advanced: edit the TOML, or go back to the defaults.",
    ),
    "rules_form_problems": ("规则有误,未保存:", "The rules have problems; nothing was saved:"),
    "rules_unsaved": ("有未保存的修改。", "There are unsaved changes."),
    "rules_advanced": ("高级:直接编辑 TOML", "Advanced: edit the TOML"),
    "rules_advanced_hint": (
        "规则也可以写成 TOML 文本:只写要改的项,其余沿用默认值;从表单保存时只写入与默认值不同"
        "的项。先“检查”,再“保存到工作空间”;出错时指出行号和键名。",
        "The rules as TOML text: write only what you change, the rest follows the defaults; "
        "saving the form writes only what differs from them. Check, then save; a problem names "
        "its line and key.",
    ),
    "rules_line": ("第 {n} 行", "line {n}"),
    "rules_year": ("{year}年", "{year}"),
    "rules_new_year": ("新增年度", "Add a year"),
    "rules_new_amount": ("该年标准线(元/人·年)", "Its line (yuan per person a year)"),
    "rules_toml_header": (
        "出列与脱贫标准:本工作空间改动的规则,其余沿用默认值(由“规则设置”页写出)。",
        "Exit rules: what this workspace changes; the rest follows the defaults (written by the "
        "Exit rules page).",
    ),
    "rules_check_off": ("(不核查)", "(not checked)"),
    "rules_heading_household_exit": (
        "脱贫户的标准(两不愁三保障)",
        "What an exited household meets (两不愁三保障)",
    ),
    "rules_heading_relocation": ("搬迁安置点的后续检查", "Follow-up checks of relocation sites"),
    "rules_unit_percent": ("%", "%"),
    "rules_unit_yuan": ("元/人·年", "yuan per person a year"),
    "rules_unit_wan": ("万元/年", "10,000 yuan a year"),
    "rules_unit_count": ("户", "households"),
    "rules_unit_visits": ("次/户·年", "per household a year"),
    "rules_unit_projects": ("个", "number"),
    "rules_unit_centres": ("个/乡镇", "per township"),
    "rules_unit_assistants": ("人/站", "per station"),
    "rules_unit_trainees": ("人次/站·年", "per station a year"),
    "rules_unit_yuan_household": ("元/户·年", "yuan per household a year"),
    "rules_unit_km": ("公里", "km"),
    "rules_unit_points": ("分", "points"),
    "rules_group_village_exit": ("贫困村出列标准", "Poor-village exit"),
    "rules_group_poverty": ("扶贫标准线与脱贫标准", "Poverty line and household exit"),
    "rules_group_monitoring": ("防返贫监测", "Monitoring"),
    "rules_group_services": ("服务半径与搬迁安置", "Service distances and relocation"),
    "rules_group_gap_score": ("短板评分", "Gap score"),
    "rules_group_assistance": ("帮扶", "Assistance"),
    "rules_group_stations": ("电商网点目标", "E-commerce targets"),
    "rules_heading_stations": (
        "电子商务进农村的规划目标(按单位计,县里可改为本地目标)",
        "The e-commerce plan's targets (per unit; a county sets its own)",
    ),
    "rule_stations.centres_per_township": ("乡镇电商服务中心", "Township service centres"),
    "rule_stations.centres_per_township_means": (
        "每个乡镇至少有 {v} 个运营中的乡镇电子商务服务中心。",
        "Every township has at least {v} working township e-commerce service centres.",
    ),
    "rule_stations.village_share": ("有村级服务站的行政村", "Villages with a village station"),
    "rule_stations.village_share_means": (
        "至少 {v}% 的行政村有本村运营中的村级电商服务站(规划:覆盖90%以上的行政村)。",
        "At least {v}% of villages have a working village station of their own (the plan: "
        "over 90% of administrative villages).",
    ),
    "rule_stations.min_assistants": ("电子商务信息服务助理员", "E-commerce assistants"),
    "rule_stations.min_assistants_means": (
        "每个村级服务站至少有 {v} 名电子商务信息服务助理员;不足的列为无电商助理员。",
        "Each village station has at least {v} e-commerce assistants; fewer is flagged.",
    ),
    "rule_stations.trainees_per_station": ("电商培训", "People trained"),
    "rule_stations.trainees_per_station_means": (
        "每个运营中的网点每年培训 {v} 人次(全县目标按网点数分摊)。",
        "Each working station trains {v} people a year (the county's target shared by station).",
    ),
    "rule_stations.income_gain_yuan": ("带动贫困户增收", "Income gain of poor households"),
    "rule_stations.income_gain_yuan_means": (
        "通过网点网销的贫困户,户均每年增收 {v} 元以上(规划:1000–1500元)。",
        "Poor households selling through a station gain at least {v} yuan a year each (the "
        "plan: 1,000–1,500).",
    ),
    "rule_stations.suspended_counts": ("暂停的网点仍算覆盖", "A suspended station still covers"),
    "rule_stations.suspended_counts_means": (
        "勾选:暂停运营的网点在覆盖率和选址优化中仍算覆盖其周边的村;不勾选:只算运营中的网点。"
        "已关闭的网点从不算。",
        "Ticked: a suspended station still covers its villages in the coverage figures and for "
        "the optimiser; not ticked: only working stations do. A closed one never does.",
    ),
    "rules_heading_assistance": ("结对帮扶与驻村", "Pairing, visits and resident teams"),
    "rule_assistance.cadre_required": ("每户有帮扶责任人", "A cadre for every household"),
    "rule_assistance.cadre_required_means": (
        "每一户核查对象都有干部结对帮扶;没有的列为问题户。",
        "Every household checked is paired with a cadre; one without is listed.",
    ),
    "rule_assistance.visits_per_year": ("每年走访次数", "Visits a year"),
    "rule_assistance.visits_per_year_means": (
        "每户每年至少走访看望 {v} 次;不足的列为走访不足。",
        "Each household is visited at least {v} times a year; fewer is listed as too few visits.",
    ),
    "rule_assistance.team_required": (
        "贫困村有驻村工作队",
        "A resident team in every poor village",
    ),
    "rule_assistance.team_required_means": (
        "贫困村都有驻村扶贫工作队;出列后过渡期内继续派驻(摘帽不摘帮扶)。",
        "Every poor village has a resident work team, exited ones too through the "
        "transition period.",
    ),
    "rule_assistance.min_village_projects": (
        "每个贫困村的产业项目",
        "Industry projects per poor village",
    ),
    "rule_assistance.min_village_projects_means": (
        "每个贫困村至少有 {v} 个下列类型的项目(历年累计)。",
        "Each poor village has at least {v} projects of the types below (over the years).",
    ),
    "rule_assistance.statuses": ("核查的农户", "Households checked"),
    "rule_assistance.statuses_means": (
        "帮扶规则核查勾选状态的农户(过渡期内可加上已脱贫户)。",
        "The assistance rules check households of the ticked statuses (add exited households "
        "during the transition period).",
    ),
    "rule_assistance.village_project_types": ("计为产业项目的类型", "Project types counted"),
    "rule_assistance.village_project_types_means": (
        "这些类型的项目计入贫困村的产业项目数。",
        "Projects of these types count as a poor village's industry projects.",
    ),
    "rule_assistance.cause_measures": ("致贫原因对应的帮扶措施", "Measures that answer each cause"),
    "rule_assistance.cause_measures_means": (
        "主要致贫原因为该项的农户,至少要有一项所选类型的措施(计划或已落实,不含已取消);"
        "不选则任何措施都算。",
        "A household whose main cause is this one needs at least one measure of the chosen "
        "types (planned or done, not cancelled); none chosen: any measure counts.",
    ),
    # each rule: its label, and one sentence of what it means with its value {v}
    "rule_village_exit.max_incidence": ("贫困发生率上限", "Poverty incidence below"),
    "rule_village_exit.max_incidence_means": (
        "贫困发生率低于 {v}% 的贫困村可以出列(中部省份如江西为 2%,西部省份为 3%)。",
        "A poor village may exit once fewer than {v}% of its people are poor (2% in central "
        "provinces such as Jiangxi, 3% in the west).",
    ),
    "rule_village_exit.max_dangerous_houses": ("危房户数上限", "Dangerous houses at most"),
    "rule_village_exit.max_dangerous_houses_means": (
        "村里的危房不超过 {v} 户才可出列。",
        "At most {v} dangerous houses may remain for the village to exit.",
    ),
    "rule_village_exit.max_unsafe_water_households": (
        "饮水不安全户数上限",
        "Households without safe water at most",
    ),
    "rule_village_exit.max_unsafe_water_households_means": (
        "未解决安全饮水的户不超过 {v} 户才可出列。",
        "At most {v} households may still lack safe drinking water for the village to exit.",
    ),
    "rule_village_exit.min_collective_income": ("村集体经济收入下限", "Collective income at least"),
    "rule_village_exit.min_collective_income_means": (
        "村集体经济年收入达到 {v} 万元才可出列(数额由县里确定)。",
        "The village's collective economy earns at least {v} × 10,000 yuan a year (the county "
        "sets the amount).",
    ),
    "rule_village_exit.required": ("出列必须达标的指标", "Indicators a village must meet to exit"),
    "rule_village_exit.required_means": (
        "贫困村出列时,勾选的村级指标都必须达标;不勾选的不作要求。",
        "To exit, a poor village must meet every ticked indicator; the others are not required.",
    ),
    "rule_village_exit.not_required": ("个别村免于某项指标", "Villages exempt from an indicator"),
    "rule_village_exit.not_required_means": (
        "不具备条件的村可免于某项指标,如通不了客运班车的偏远村。",
        "A village may be exempt from an indicator it cannot meet, such as a bus service where "
        "no route is feasible.",
    ),
    "rule_not_required_of": ("免于“{what}”的村", "Villages exempt from {what}"),
    "rule_poverty_line": ("扶贫标准线", "Poverty line"),
    "rule_poverty_line_means": (
        "国家农村贫困标准(2010 年价格每人每年 2300 元),按当年价格:某年脱贫的户以当年的标准"
        "衡量收入;没有列出的年份沿用此前最近一年的标准。",
        "The national rural poverty line (2,300 yuan per person a year at 2010 prices) in "
        "current prices: a household exited in a year is judged against that year's line; a "
        "year not listed uses the latest year before it.",
    ),
    "rule_monitoring_line": ("防返贫监测线", "Monitoring line"),
    "rule_monitoring_line_means": (
        "2021 年起由省里每年公布:人均纯收入不高于此线的脱贫户和边缘户纳入监测。没有列出的年份"
        "沿用此前最近一年;请按省里当年的通知补上新年度。",
        "Set by the province each year from 2021: exited and at-risk households whose income "
        "per person is at or below it are monitored. A year not listed uses the latest year "
        "before it; add each new year from the province's notice.",
    ),
    "rule_household_exit.income_above_line": (
        "收入高于扶贫标准线",
        "Income above the poverty line",
    ),
    "rule_household_exit.income_above_line_means": (
        "脱贫户的人均纯收入须高于脱贫当年的扶贫标准线。",
        "An exited household's income per person is above the poverty line of its exit year.",
    ),
    "rule_household_exit.safe_house": ("住房安全有保障", "Safe housing"),
    "rule_household_exit.safe_house_means": (
        "不住危房;没有登记的按未达标计。",
        "No dangerous house; not recorded counts as not met.",
    ),
    "rule_household_exit.safe_water": ("饮水安全有保障", "Safe drinking water"),
    "rule_household_exit.safe_water_means": (
        "饮水安全;没有登记的按未达标计。",
        "Safe drinking water; not recorded counts as not met.",
    ),
    "rule_household_exit.compulsory_education": ("义务教育有保障", "Compulsory education"),
    "rule_household_exit.compulsory_education_means": (
        "义务教育阶段的孩子没有失学辍学;没有登记的不算未达标,但记为未核查。",
        "No child of compulsory-school age out of school; not recorded is reported as not checked.",
    ),
    "rule_household_exit.medical_insurance": ("基本医疗有保障", "Basic medical insurance"),
    "rule_household_exit.medical_insurance_means": (
        "全家参加城乡居民基本医疗保险;没有登记的不算未达标,但记为未核查。",
        "Every member insured; not recorded is reported as not checked.",
    ),
    "rule_services.distance_to": ("测距的设施", "Facilities measured to"),
    "rule_services.distance_to_means": (
        "“基础设施短板”页列出各村到勾选设施的直线距离。",
        "The Infrastructure gaps page lists each village's straight-line distance to the "
        "ticked facilities.",
    ),
    "rule_relocation.school_km": ("学校距离", "School within"),
    "rule_relocation.school_km_means": (
        "安置点 {v} 公里(直线)内有学校。",
        "A relocation site has a school within {v} km (straight line).",
    ),
    "rule_relocation.clinic_km": ("卫生室距离", "Clinic within"),
    "rule_relocation.clinic_km_means": (
        "安置点 {v} 公里内有村卫生室或乡镇卫生院。",
        "A relocation site has a village clinic or the township hospital within {v} km.",
    ),
    "rule_relocation.jobs_km": ("就业去处距离", "Jobs within"),
    "rule_relocation.jobs_km_means": (
        "安置点 {v} 公里内有工业园区或农业龙头企业,搬迁户能就近务工。",
        "A relocation site has an industrial park or an agribusiness within {v} km, so the "
        "households moved can work nearby.",
    ),
    "rule_relocation.ecommerce_km": ("电商网点距离", "E-commerce point within"),
    "rule_relocation.ecommerce_km_means": (
        "安置点 {v} 公里内有村级电商服务站或乡镇电商服务中心。",
        "A relocation site has a village e-commerce station or the township centre within {v} km.",
    ),
    "rule_relocation.min_moved_share": ("入住率下限", "Moved in at least"),
    "rule_relocation.min_moved_share_means": (
        "计划搬迁的户至少 {v}% 已入住。",
        "At least {v}% of the households planned have moved in.",
    ),
    "rule_relocation.min_demolished_share": ("拆旧复垦率下限", "Old houses demolished at least"),
    "rule_relocation.min_demolished_share_means": (
        "已入住的户至少 {v}% 的旧房已拆除复垦。",
        "At least {v}% of the households moved in have had their old house demolished.",
    ),
    "rule_gap_score.weights": ("短板分值", "Gap weight"),
    "rule_gap_score.weights_means": (
        "村里每缺一项,短板综合得分加上该项的分值;危房户和饮水不安全户按户计,集体经济收入低于"
        "出列标准时计。分值为 0 即不计入。",
        "A village's gap score adds the weight of each thing it lacks; dangerous houses and "
        "households without safe water count per household, collective income when below the "
        "exit rule. A weight of 0 leaves it out.",
    ),
    # --- 底图设置 (on the 规则设置 page) ------------------------------------------------------
    "rules_basemap": (
        "底图设置(天地图密钥、本地瓦片)",
        "Base-map settings (Tianditu key, local tiles)",
    ),
    "rules_basemap_hint": (
        "底图设置不在工作空间里,而在本机的设置文件中,各工作空间共用。改了设置文件后刷新页面即可;"
        "改了环境变量要重新启动。",
        "Base-map settings are not in the workspace but in this computer's settings file, "
        "shared by every workspace. After editing the file, reload the page; after changing an "
        "environment variable, restart.",
    ),
    "rules_basemap_file": ("设置文件:", "Settings file:"),
    "rules_tianditu_set": ("天地图密钥:已设置。", "Tianditu key: set."),
    "rules_tianditu_unset": (
        "天地图密钥:未设置。在天地图网站(lbs.tianditu.gov.cn)申请“浏览器端”密钥,然后设置"
        "环境变量 `TIANDITU_KEY`,或在设置文件中写入:",
        "Tianditu key: not set. Apply for a browser key at lbs.tianditu.gov.cn, then set the "
        "environment variable `TIANDITU_KEY`, or write in the settings file:",
    ),
    "rules_tiles_set": ("本地瓦片:", "Local tiles:"),
    "rules_tiles_unset": (
        "本地瓦片:未设置。没有网络的电脑可用本地瓦片作底图:把瓦片文件夹({z}/{x}/{y}.png)"
        "或 .mbtiles 文件的位置写入设置文件(或环境变量 `TOWNSHIP_ATLAS_TILES`):",
        "Local tiles: not set. A computer without internet can use local tiles: put the tile "
        "folder ({z}/{x}/{y}.png) or .mbtiles file in the settings file (or the environment "
        "variable `TOWNSHIP_ATLAS_TILES`):",
    ),
    "rules_tiles_problem": ("本地瓦片无法使用:", "The local tiles cannot be used:"),
    "rules_settings_problem": ("设置文件无法读取:", "The settings file cannot be read:"),
}
