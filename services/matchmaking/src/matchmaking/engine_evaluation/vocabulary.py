"""Products per chain segment, each with Chinese and English names and synonyms, and certifications."""

Product = tuple[str, tuple[str, ...], tuple[str, ...]]  # id, Chinese names, English names

PRODUCTS: dict[str, tuple[Product, ...]] = {
    "ic.eda_ip": (
        ("eda", ("EDA设计工具", "电子设计自动化软件"), ("EDA design tools", "electronic design automation")),
        ("serdes_ip", ("高速接口IP核", "SerDes接口IP"), ("high-speed SerDes IP core", "interface IP")),
        ("cpu_ip", ("处理器IP核", "RISC-V内核授权"), ("processor IP core", "RISC-V core licensing")),
    ),
    "ic.design": (
        ("mcu", ("MCU微控制器芯片", "32位单片机"), ("MCU microcontroller chips", "32-bit microcontrollers")),
        ("power_ic", ("电源管理芯片", "PMIC电源芯片"), ("power management ICs", "PMIC chips")),
        ("sensor_chip", ("MEMS传感器芯片", "惯性传感芯片"), ("MEMS sensor chips", "inertial sensor ICs")),
        ("ai_chip", ("AI加速芯片", "神经网络处理器"), ("AI accelerator chips", "neural processing units")),
    ),
    "ic.equipment": (
        ("etcher", ("等离子刻蚀机", "刻蚀设备"), ("plasma etchers", "etching equipment")),
        (
            "cvd",
            ("薄膜沉积设备", "CVD化学气相沉积"),
            ("thin film deposition tools", "CVD deposition systems"),
        ),
        ("prober", ("晶圆探针台", "探针测试台"), ("wafer probers", "probe stations")),
    ),
    "ic.materials": (
        ("silicon_wafer", ("硅片", "12英寸抛光硅片"), ("silicon wafers", "300mm polished wafers")),
        ("photoresist", ("光刻胶", "KrF光刻胶"), ("photoresist", "KrF photoresists")),
        (
            "special_gas",
            ("电子特气", "高纯电子气体"),
            ("electronic specialty gases", "high purity process gases"),
        ),
        ("target", ("溅射靶材", "高纯金属靶材"), ("sputtering targets", "high purity metal targets")),
    ),
    "ic.wafer_fab": (
        (
            "foundry_12",
            ("12英寸晶圆代工", "逻辑工艺流片"),
            ("12-inch wafer foundry", "logic process tape-out"),
        ),
        (
            "foundry_8",
            ("8英寸特色工艺代工", "BCD工艺晶圆"),
            ("8-inch specialty foundry", "BCD process wafers"),
        ),
        ("mems_fab", ("MEMS晶圆制造", "微机电工艺加工"), ("MEMS wafer fabrication", "MEMS process foundry")),
    ),
    "ic.packaging_testing": (
        ("adv_pkg", ("先进封装", "倒装芯片封装"), ("advanced packaging", "flip-chip packaging")),
        ("chip_test", ("芯片测试服务", "成品测试"), ("chip testing services", "final test")),
        ("sip", ("系统级封装SiP", "模组封装"), ("system in package SiP", "module packaging")),
    ),
    "bio.raw_materials": (
        ("api", ("原料药", "化学原料药"), ("active pharmaceutical ingredients", "API raw materials")),
        ("media", ("细胞培养基", "无血清培养基"), ("cell culture media", "serum-free media")),
        (
            "reagent",
            ("诊断试剂原料", "抗原抗体原料"),
            ("diagnostic reagent materials", "antigens and antibodies"),
        ),
    ),
    "bio.rnd_cro": (
        (
            "preclinical",
            ("临床前研究外包", "药效学评价"),
            ("preclinical CRO services", "pharmacology studies"),
        ),
        ("clinical_cro", ("临床试验CRO", "临床监查服务"), ("clinical trial CRO", "clinical monitoring")),
    ),
    "bio.testing_lab": (
        (
            "drug_testing",
            ("药品质量检测", "药物分析检验"),
            ("drug quality testing", "pharmaceutical analysis"),
        ),
        ("micro_testing", ("微生物检测", "无菌检查"), ("microbiology testing", "sterility testing")),
    ),
    "bio.packaging": (
        ("vial", ("中硼硅玻璃瓶", "疫苗西林瓶"), ("borosilicate glass vials", "vaccine vials")),
        ("prefilled", ("预灌封注射器", "预充针"), ("prefilled syringes", "pre-filled syringe systems")),
        ("blister", ("药用铝塑泡罩", "泡罩包装材料"), ("pharmaceutical blister packs", "blister packaging")),
    ),
    "bio.drug_manufacturing": (
        (
            "vaccine",
            ("疫苗生产", "疫苗合同生产"),
            ("vaccine manufacturing", "vaccine contract manufacturing"),
        ),
        ("biologics", ("抗体药物CDMO", "生物药代工"), ("antibody CDMO", "biologics contract manufacturing")),
    ),
    "bio.devices": (
        (
            "ivd",
            ("体外诊断设备", "化学发光分析仪"),
            ("in vitro diagnostic analyzers", "chemiluminescence analyzers"),
        ),
        ("imaging", ("医学影像设备", "超声诊断仪"), ("medical imaging equipment", "ultrasound scanners")),
    ),
    "bio.distribution": (
        (
            "cold_chain",
            ("医药冷链配送", "疫苗冷链物流"),
            ("pharma cold chain delivery", "vaccine cold chain logistics"),
        ),
    ),
    "mfg.components": (
        ("reducer", ("精密减速器", "RV减速机"), ("precision reducers", "RV gearboxes")),
        ("servo", ("伺服电机", "交流伺服驱动"), ("servo motors", "AC servo drives")),
        ("bearing", ("精密轴承", "高速主轴轴承"), ("precision bearings", "spindle bearings")),
    ),
    "mfg.sensors_control": (
        ("plc", ("PLC可编程控制器", "运动控制器"), ("PLC programmable controllers", "motion controllers")),
        (
            "vision",
            ("工业视觉相机", "机器视觉检测"),
            ("industrial vision cameras", "machine vision inspection"),
        ),
        ("lidar", ("激光雷达传感器", "3D视觉传感器"), ("lidar sensors", "3D vision sensors")),
    ),
    "mfg.robots": (
        ("arm", ("六轴工业机器人", "机械臂"), ("six-axis industrial robots", "robotic arms")),
        ("agv", ("AGV移动机器人", "自动导引车"), ("AGV mobile robots", "automated guided vehicles")),
    ),
    "mfg.integration": (
        ("line", ("自动化产线集成", "智能装配线"), ("automation line integration", "smart assembly lines")),
        ("welding", ("焊接工作站", "机器人焊接系统"), ("welding workcells", "robotic welding systems")),
    ),
    "mfg.factories": (
        (
            "contract_mfg",
            ("电子产品代工", "SMT贴片加工"),
            ("electronics contract manufacturing", "SMT assembly"),
        ),
        ("machining", ("精密机加工", "CNC数控加工"), ("precision machining", "CNC machining")),
    ),
    "sw.cloud": (
        ("cloud_hosting", ("云主机租用", "私有云部署"), ("cloud hosting", "private cloud deployment")),
        ("idc", ("数据中心托管", "IDC机柜租赁"), ("data centre colocation", "IDC rack rental")),
    ),
    "sw.ai_data": (
        ("data_platform", ("大数据平台", "数据治理平台"), ("big data platform", "data governance platform")),
        ("cv_ai", ("视觉AI算法", "图像识别模型"), ("computer vision AI", "image recognition models")),
    ),
    "sw.embedded": (
        ("rtos", ("嵌入式实时操作系统", "RTOS内核"), ("embedded real-time OS", "RTOS kernel")),
        ("firmware", ("固件开发", "嵌入式驱动开发"), ("firmware development", "embedded driver development")),
    ),
    "sw.industrial_software": (
        (
            "mes",
            ("MES制造执行系统", "生产管理系统"),
            ("MES manufacturing execution system", "production management"),
        ),
        ("cad", ("工业设计CAD软件", "三维建模软件"), ("industrial CAD software", "3D modelling software")),
    ),
    "sw.it_services": (
        ("integration", ("信息系统集成", "网络工程实施"), ("IT system integration", "network engineering")),
        (
            "security",
            ("网络安全服务", "等保测评服务"),
            ("cybersecurity services", "security compliance assessment"),
        ),
    ),
}

CERTIFICATIONS = {
    "ic": ("ISO 9001", "IATF 16949", "ISO 14001"),
    "bio": ("GMP", "ISO 13485", "CNAS"),
    "mfg": ("ISO 9001", "CE", "IATF 16949"),
    "sw": ("ISO 27001", "CMMI 3", "ISO 9001"),
}

FILLER_ZH = (
    "专业",
    "高品质",
    "稳定供货",
    "支持定制",
    "价格优惠",
    "交期快",
    "欢迎洽谈",
    "长期合作",
    "技术支持",
)
FILLER_EN = ("reliable", "competitive price", "custom orders", "fast delivery", "long-term supply", "support")
COMPANY_ZH = ("科技有限公司", "电子股份有限公司", "生物科技公司", "智能装备有限公司", "信息技术有限公司")
NEED_ZH = ("采购", "寻找", "求购", "需要", "长期采购")
NEED_EN = ("looking for", "we need", "sourcing", "seeking a supplier of", "purchase")
