"""The shipped industry-chain map for the leading industries (`docs/domain.md`), industry code -> segment.

Chains: integrated circuits (`ic`), biomedicine (`bio`), smart manufacturing (`mfg`), software and
digital economy (`sw`). Edges run upstream -> downstream; a few cross chains (chips go into sensors,
industrial software into automated lines)."""

from matchmaking.domain.chain import IndustryChainMap, Segment

SEGMENTS = (
    Segment("ic.eda_ip", "EDA工具与IP核", "EDA tools and IP cores"),
    Segment("ic.design", "芯片设计", "IC design"),
    Segment("ic.equipment", "半导体设备", "semiconductor equipment"),
    Segment("ic.materials", "半导体材料", "semiconductor materials"),
    Segment("ic.wafer_fab", "晶圆制造", "wafer fabrication"),
    Segment("ic.packaging_testing", "封装测试", "packaging and testing"),
    Segment("bio.raw_materials", "医药原料与试剂", "APIs, media and reagents"),
    Segment("bio.rnd_cro", "医药研发外包", "drug R&D and CRO"),
    Segment("bio.testing_lab", "检验检测", "testing laboratory"),
    Segment("bio.packaging", "医药包装", "pharmaceutical packaging"),
    Segment("bio.drug_manufacturing", "药品与疫苗生产", "drug and vaccine manufacturing"),
    Segment("bio.devices", "医疗器械", "medical devices"),
    Segment("bio.distribution", "医药流通", "pharmaceutical distribution"),
    Segment("mfg.components", "核心零部件", "core components"),
    Segment("mfg.sensors_control", "传感器与控制系统", "sensors and control systems"),
    Segment("mfg.robots", "工业机器人", "industrial robots"),
    Segment("mfg.integration", "智能产线集成", "smart line integration"),
    Segment("mfg.factories", "智能工厂", "smart factories"),
    Segment("sw.cloud", "云计算与数据中心", "cloud and data centres"),
    Segment("sw.ai_data", "人工智能与大数据", "AI and big data"),
    Segment("sw.embedded", "嵌入式软件", "embedded software"),
    Segment("sw.industrial_software", "工业软件", "industrial software"),
    Segment("sw.it_services", "信息技术服务", "IT services"),
)

EDGES = (
    ("ic.eda_ip", "ic.design"),
    ("ic.design", "ic.wafer_fab"),
    ("ic.equipment", "ic.wafer_fab"),
    ("ic.materials", "ic.wafer_fab"),
    ("ic.wafer_fab", "ic.packaging_testing"),
    ("ic.equipment", "ic.packaging_testing"),
    ("ic.materials", "ic.packaging_testing"),
    ("ic.packaging_testing", "mfg.sensors_control"),
    ("bio.raw_materials", "bio.rnd_cro"),
    ("bio.raw_materials", "bio.drug_manufacturing"),
    ("bio.rnd_cro", "bio.drug_manufacturing"),
    ("bio.testing_lab", "bio.rnd_cro"),
    ("bio.testing_lab", "bio.drug_manufacturing"),
    ("bio.packaging", "bio.drug_manufacturing"),
    ("bio.drug_manufacturing", "bio.distribution"),
    ("bio.devices", "bio.distribution"),
    ("mfg.components", "mfg.robots"),
    ("mfg.sensors_control", "mfg.robots"),
    ("mfg.robots", "mfg.integration"),
    ("mfg.sensors_control", "mfg.integration"),
    ("mfg.integration", "mfg.factories"),
    ("sw.embedded", "mfg.sensors_control"),
    ("sw.industrial_software", "mfg.integration"),
    ("sw.cloud", "sw.ai_data"),
    ("sw.ai_data", "sw.industrial_software"),
    ("sw.cloud", "sw.it_services"),
    ("sw.it_services", "mfg.factories"),
)

# GB/T 4754-2017 industry code prefixes, longest match wins.
INDUSTRY_SEGMENTS = {
    "I6520": "ic.design",
    "C3562": "ic.equipment",
    "C3985": "ic.materials",
    "C3973": "ic.wafer_fab",
    "C3972": "ic.wafer_fab",
    "C397": "ic.packaging_testing",
    "C2762": "bio.drug_manufacturing",
    "C27": "bio.drug_manufacturing",
    "C2661": "bio.raw_materials",
    "M7340": "bio.rnd_cro",
    "M745": "bio.testing_lab",
    "C3055": "bio.packaging",
    "C2926": "bio.packaging",
    "C358": "bio.devices",
    "F515": "bio.distribution",
    "C3484": "mfg.components",
    "C345": "mfg.components",
    "C4011": "mfg.sensors_control",
    "C401": "mfg.sensors_control",
    "C3491": "mfg.robots",
    "C34": "mfg.integration",
    "C35": "mfg.factories",
    "I6511": "sw.industrial_software",
    "I6513": "sw.embedded",
    "I651": "sw.it_services",
    "I6550": "sw.it_services",
    "I6560": "sw.cloud",
    "I6450": "sw.cloud",
    "I653": "sw.it_services",
    "I654": "sw.ai_data",
    "I657": "sw.it_services",
    "M7350": "sw.ai_data",
}


def default_chain_map() -> IndustryChainMap:
    return IndustryChainMap.of(SEGMENTS, EDGES)


def segment_for_industry(industry_code: str) -> str | None:
    """The chain segment an enterprise's GB/T 4754 code seeds its profile with, if any."""
    for length in range(len(industry_code), 0, -1):
        segment = INDUSTRY_SEGMENTS.get(industry_code[:length])
        if segment:
            return segment
    return None
