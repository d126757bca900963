"""Builds benchmarks/data/topics_bilingual.jsonl (run once; the JSONL is committed).

Provenance: the English/Simplified pairs were written by hand for this benchmark from the
discipline names of the Chinese national classification of disciplines (GB/T 13745) with
their usual English names, plus well-known research-field terms (energy, medicine, AI,
policy topics).  ``zh_hant`` is OpenCC ``s2hk`` of the Simplified name, except for the
entries in HAND_HK, written by hand in Hong Kong usage (電腦視覺, 資訊保安, 機械人學,
人口老化, ...), which differs in vocabulary from a character conversion.
"""

from __future__ import annotations

import json
from pathlib import Path

import opencc

PAIRS = """
gbt|Mathematics|数学
gbt|Number theory|数论
gbt|Algebra|代数学
gbt|Algebraic geometry|代数几何学
gbt|Geometry|几何学
gbt|Topology|拓扑学
gbt|Mathematical analysis|数学分析
gbt|Functional analysis|泛函分析
gbt|Differential equations|微分方程
gbt|Partial differential equations|偏微分方程
gbt|Probability theory|概率论
gbt|Mathematical statistics|数理统计学
gbt|Operations research|运筹学
gbt|Combinatorics|组合数学
gbt|Computational mathematics|计算数学
gbt|Mathematical logic|数理逻辑
gbt|Information science and systems science|信息科学与系统科学
gbt|Control theory|控制理论
gbt|Systems engineering|系统工程
gbt|Cybernetics|控制论
gbt|Mechanics|力学
gbt|Fluid mechanics|流体力学
gbt|Solid mechanics|固体力学
gbt|Fracture mechanics|断裂力学
gbt|Rheology|流变学
gbt|Physics|物理学
gbt|Condensed matter physics|凝聚态物理学
gbt|Particle physics|粒子物理学
gbt|Nuclear physics|原子核物理学
gbt|Atomic and molecular physics|原子分子物理学
gbt|Plasma physics|等离子体物理学
gbt|Optics|光学
gbt|Acoustics|声学
gbt|Thermodynamics|热力学
gbt|Statistical physics|统计物理学
gbt|Quantum mechanics|量子力学
gbt|Electromagnetism|电磁学
gbt|Chemistry|化学
gbt|Inorganic chemistry|无机化学
gbt|Organic chemistry|有机化学
gbt|Analytical chemistry|分析化学
gbt|Physical chemistry|物理化学
gbt|Polymer chemistry|高分子化学
gbt|Electrochemistry|电化学
gbt|Photochemistry|光化学
gbt|Catalytic chemistry|催化化学
gbt|Astronomy|天文学
gbt|Astrophysics|天体物理学
gbt|Cosmology|宇宙学
gbt|Radio astronomy|射电天文学
gbt|Earth sciences|地球科学
gbt|Geophysics|地球物理学
gbt|Geochemistry|地球化学
gbt|Geology|地质学
gbt|Seismology|地震学
gbt|Oceanography|海洋学
gbt|Atmospheric science|大气科学
gbt|Meteorology|气象学
gbt|Hydrology|水文学
gbt|Physical geography|自然地理学
gbt|Paleontology|古生物学
gbt|Biology|生物学
gbt|Biochemistry|生物化学
gbt|Molecular biology|分子生物学
gbt|Cell biology|细胞生物学
gbt|Genetics|遗传学
gbt|Developmental biology|发育生物学
gbt|Microbiology|微生物学
gbt|Virology|病毒学
gbt|Immunology|免疫学
gbt|Ecology|生态学
gbt|Botany|植物学
gbt|Zoology|动物学
gbt|Entomology|昆虫学
gbt|Neuroscience|神经科学
gbt|Biophysics|生物物理学
gbt|Bioinformatics|生物信息学
gbt|Evolutionary biology|进化生物学
gbt|Psychology|心理学
gbt|Cognitive psychology|认知心理学
gbt|Developmental psychology|发展心理学
gbt|Social psychology|社会心理学
gbt|Agronomy|农学
gbt|Crop breeding|作物育种学
gbt|Soil science|土壤学
gbt|Plant protection|植物保护学
gbt|Horticulture|园艺学
gbt|Forestry|林学
gbt|Animal husbandry|畜牧学
gbt|Veterinary medicine|兽医学
gbt|Aquaculture|水产养殖学
gbt|Fisheries science|水产学
gbt|Basic medicine|基础医学
gbt|Human anatomy|人体解剖学
gbt|Physiology|生理学
gbt|Pathology|病理学
gbt|Pharmacology|药理学
gbt|Clinical medicine|临床医学
gbt|Internal medicine|内科学
gbt|Surgery|外科学
gbt|Obstetrics and gynecology|妇产科学
gbt|Pediatrics|儿科学
gbt|Ophthalmology|眼科学
gbt|Otorhinolaryngology|耳鼻咽喉科学
gbt|Stomatology|口腔医学
gbt|Dermatology|皮肤病学
gbt|Neurology|神经病学
gbt|Psychiatry|精神病学
gbt|Oncology|肿瘤学
gbt|Cardiology|心脏病学
gbt|Radiology|放射医学
gbt|Anesthesiology|麻醉学
gbt|Emergency medicine|急诊医学
gbt|Nursing|护理学
gbt|Preventive medicine|预防医学
gbt|Epidemiology|流行病学
gbt|Public health|公共卫生
gbt|Nutrition|营养学
gbt|Occupational health|职业卫生
gbt|Traditional Chinese medicine|中医学
gbt|Chinese materia medica|中药学
gbt|Acupuncture and moxibustion|针灸学
gbt|Pharmacy|药学
gbt|Medicinal chemistry|药物化学
gbt|Pharmaceutics|药剂学
gbt|Mechanical engineering|机械工程
gbt|Mechanical design|机械设计
gbt|Manufacturing technology|机械制造工艺
gbt|Materials science|材料科学
gbt|Metallic materials|金属材料
gbt|Composite materials|复合材料
gbt|Ceramic materials|陶瓷材料
gbt|Nanomaterials|纳米材料
gbt|Metallurgical engineering|冶金工程
gbt|Mining engineering|矿山工程
gbt|Petroleum engineering|石油工程
gbt|Power engineering|动力工程
gbt|Engineering thermophysics|工程热物理
gbt|Nuclear science and technology|核科学技术
gbt|Electrical engineering|电气工程
gbt|Power systems|电力系统
gbt|High voltage engineering|高电压工程
gbt|Power electronics|电力电子技术
gbt|Electronic engineering|电子工程
gbt|Microelectronics|微电子学
gbt|Semiconductor devices|半导体器件
gbt|Integrated circuit design|集成电路设计
gbt|Communication engineering|通信工程
gbt|Wireless communication|无线通信
gbt|Optical fiber communication|光纤通信
gbt|Signal processing|信号处理
gbt|Radar engineering|雷达工程
gbt|Computer science|计算机科学
gbt|Computer architecture|计算机体系结构
gbt|Operating systems|操作系统
gbt|Computer networks|计算机网络
gbt|Software engineering|软件工程
gbt|Database systems|数据库系统
gbt|Artificial intelligence|人工智能
topic|Machine learning|机器学习
topic|Deep learning|深度学习
topic|Natural language processing|自然语言处理
topic|Computer vision|计算机视觉
topic|Speech recognition|语音识别
topic|Machine translation|机器翻译
topic|Information retrieval|信息检索
topic|Recommender systems|推荐系统
topic|Data mining|数据挖掘
topic|Knowledge graphs|知识图谱
topic|Reinforcement learning|强化学习
gbt|Computer graphics|计算机图形学
topic|Human-computer interaction|人机交互
topic|Distributed computing|分布式计算
topic|Cloud computing|云计算
topic|Parallel computing|并行计算
gbt|Information security|信息安全
gbt|Cryptography|密码学
topic|Blockchain|区块链
topic|Internet of Things|物联网
topic|Quantum computing|量子计算
topic|Quantum communication|量子通信
topic|Robotics|机器人学
topic|Autonomous driving|自动驾驶
gbt|Automation|自动化
gbt|Pattern recognition|模式识别
topic|Image processing|图像处理
gbt|Civil engineering|土木工程
gbt|Structural engineering|结构工程
gbt|Geotechnical engineering|岩土工程
gbt|Bridge engineering|桥梁工程
gbt|Tunnel engineering|隧道工程
gbt|Architecture|建筑学
gbt|Urban planning|城市规划
gbt|Hydraulic engineering|水利工程
gbt|Transportation engineering|交通运输工程
gbt|Railway engineering|铁道工程
gbt|Aeronautical engineering|航空工程
gbt|Aerospace engineering|航天工程
gbt|Naval architecture and ship engineering|船舶工程
gbt|Chemical engineering|化学工程
gbt|Biomedical engineering|生物医学工程
gbt|Environmental engineering|环境工程
gbt|Environmental science|环境科学
gbt|Water pollution control|水污染控制
gbt|Air pollution control|大气污染控制
gbt|Solid waste treatment|固体废物处理
gbt|Food science|食品科学
gbt|Food safety|食品安全
gbt|Textile engineering|纺织工程
gbt|Surveying and mapping|测绘科学技术
gbt|Remote sensing|遥感
gbt|Geographic information systems|地理信息系统
gbt|Safety engineering|安全工程
gbt|Management science|管理科学
gbt|Economics|经济学
gbt|Macroeconomics|宏观经济学
gbt|Microeconomics|微观经济学
gbt|Econometrics|计量经济学
gbt|Finance|金融学
gbt|Accounting|会计学
gbt|International trade|国际贸易
gbt|Labor economics|劳动经济学
gbt|Development economics|发展经济学
gbt|Environmental economics|环境经济学
gbt|Public finance|财政学
gbt|Business administration|工商管理
gbt|Marketing|市场营销
gbt|Human resource management|人力资源管理
topic|Supply chain management|供应链管理
topic|Innovation management|创新管理
gbt|Public administration|公共管理
gbt|Political science|政治学
gbt|International relations|国际关系
gbt|Law|法学
gbt|Constitutional law|宪法学
gbt|Civil law|民法学
gbt|Criminal law|刑法学
gbt|International law|国际法学
gbt|Intellectual property law|知识产权法
gbt|Sociology|社会学
gbt|Demography|人口学
gbt|Anthropology|人类学
gbt|Ethnology|民族学
gbt|Education|教育学
gbt|Higher education|高等教育学
gbt|Educational technology|教育技术学
gbt|Sports science|体育科学
gbt|Journalism|新闻学
gbt|Communication studies|传播学
gbt|Library science|图书馆学
gbt|Archival science|档案学
gbt|Linguistics|语言学
gbt|Applied linguistics|应用语言学
gbt|Philosophy|哲学
gbt|Logic|逻辑学
gbt|Ethics|伦理学
gbt|Aesthetics|美学
gbt|History|历史学
gbt|Archaeology|考古学
gbt|Religious studies|宗教学
gbt|Art studies|艺术学
gbt|Musicology|音乐学
gbt|Literature|文学
topic|Climate change|气候变化
topic|Carbon capture and storage|碳捕集与封存
topic|Renewable energy|可再生能源
topic|Solar cells|太阳能电池
topic|Perovskite solar cells|钙钛矿太阳能电池
topic|Lithium-ion batteries|锂离子电池
topic|Hydrogen energy|氢能
topic|Fuel cells|燃料电池
topic|Wind power generation|风力发电
topic|Smart grid|智能电网
topic|Energy storage|储能技术
topic|Electric vehicles|电动汽车
topic|Graphene|石墨烯
topic|Superconductivity|超导
topic|Topological insulators|拓扑绝缘体
topic|Metamaterials|超材料
topic|Gravitational waves|引力波
topic|Dark matter|暗物质
topic|Exoplanets|系外行星
topic|Gene editing|基因编辑
topic|Stem cells|干细胞
topic|Synthetic biology|合成生物学
topic|Protein structure prediction|蛋白质结构预测
topic|Drug discovery|药物发现
topic|Vaccine development|疫苗研发
topic|Antimicrobial resistance|抗菌药物耐药性
topic|Cancer immunotherapy|肿瘤免疫治疗
topic|Alzheimer's disease|阿尔茨海默病
topic|Diabetes|糖尿病
topic|Cardiovascular disease|心血管疾病
topic|Infectious diseases|传染病
topic|Mental health|心理健康
topic|Precision medicine|精准医学
topic|Medical imaging|医学影像
topic|Wearable devices|可穿戴设备
topic|Brain-computer interface|脑机接口
topic|Large language models|大语言模型
topic|Generative adversarial networks|生成对抗网络
topic|Graph neural networks|图神经网络
topic|Federated learning|联邦学习
topic|Explainable artificial intelligence|可解释人工智能
topic|Edge computing|边缘计算
topic|5G mobile networks|5G移动网络
topic|Semiconductor lithography|半导体光刻
topic|Smart cities|智慧城市
topic|Sustainable development|可持续发展
topic|Biodiversity conservation|生物多样性保护
topic|Marine pollution|海洋污染
topic|Microplastics|微塑料
topic|Urbanization|城镇化
topic|Rural revitalization|乡村振兴
topic|Population aging|人口老龄化
topic|Digital economy|数字经济
topic|Financial technology|金融科技
topic|Green finance|绿色金融
topic|Intellectual property protection|知识产权保护
topic|Technology transfer|技术转移
topic|Greater Bay Area development|粤港澳大湾区发展
topic|Modernization of traditional Chinese medicine|中医药现代化
topic|Additive manufacturing|增材制造
topic|Unmanned aerial vehicles|无人机
topic|Satellite navigation|卫星导航
topic|Earthquake early warning|地震预警
topic|Typhoon forecasting|台风预报
topic|Flood control|防洪
topic|Air quality monitoring|空气质量监测
topic|Wastewater treatment|污水处理
"""

# Written by hand in Hong Kong usage (keyed by the English name).
HAND_HK = {
    "Computer science": "電腦科學",
    "Computer networks": "電腦網絡",
    "Computer vision": "電腦視覺",
    "Computer graphics": "電腦圖形學",
    "Software engineering": "軟件工程",
    "Data mining": "數據挖掘",
    "Database systems": "數據庫系統",
    "Information security": "資訊保安",
    "Internet of Things": "物聯網",
    "Cloud computing": "雲端運算",
    "Parallel computing": "並行運算",
    "Distributed computing": "分散式運算",
    "Machine learning": "機器學習",
    "Deep learning": "深度學習",
    "Artificial intelligence": "人工智能",
    "Natural language processing": "自然語言處理",
    "Quantum computing": "量子運算",
    "Robotics": "機械人學",
    "Autonomous driving": "自動駕駛",
    "Unmanned aerial vehicles": "無人機",
    "Electric vehicles": "電動車",
    "Semiconductor devices": "半導體器件",
    "Integrated circuit design": "集成電路設計",
    "Wireless communication": "無線通訊",
    "Communication engineering": "通訊工程",
    "Signal processing": "訊號處理",
    "Image processing": "影像處理",
    "Speech recognition": "語音識別",
    "Machine translation": "機器翻譯",
    "Information retrieval": "資訊檢索",
    "Recommender systems": "推薦系統",
    "Knowledge graphs": "知識圖譜",
    "Human-computer interaction": "人機互動",
    "Blockchain": "區塊鏈",
    "Financial technology": "金融科技",
    "Large language models": "大型語言模型",
    "Civil engineering": "土木工程",
    "Structural engineering": "結構工程",
    "Urban planning": "城市規劃",
    "Public health": "公共衞生",
    "Epidemiology": "流行病學",
    "Nursing": "護理學",
    "Traditional Chinese medicine": "中醫學",
    "Chinese materia medica": "中藥學",
    "Environmental science": "環境科學",
    "Climate change": "氣候變化",
    "Renewable energy": "可再生能源",
    "Lithium-ion batteries": "鋰離子電池",
    "Smart cities": "智慧城市",
    "Population aging": "人口老化",
    "Greater Bay Area development": "粵港澳大灣區發展",
    "Wastewater treatment": "污水處理",
    "Typhoon forecasting": "颱風預報",
    "Marketing": "市場學",
    "Accounting": "會計學",
    "Finance": "金融學",
    "Sociology": "社會學",
    "Linguistics": "語言學",
    "Psychology": "心理學",
    "Pediatrics": "兒科學",
    "Anesthesiology": "麻醉科學",
    "Oncology": "腫瘤學",
}


def main() -> None:
    s2hk = opencc.OpenCC("s2hk")
    out = Path(__file__).with_name("topics_bilingual.jsonl")
    seen = set()
    rows = []
    for n, line in enumerate(x for x in PAIRS.strip().splitlines() if x.strip()):
        src, en, zh = line.split("|")
        assert en not in seen, en
        seen.add(en)
        hand = HAND_HK.get(en)
        rows.append(
            {
                "id": f"t{n + 1:03d}",
                "en": en,
                "zh_hans": zh,
                "zh_hant": hand or s2hk.convert(zh),
                "zh_hant_source": "hand (Hong Kong usage)" if hand else "opencc s2hk",
                "source": "GB/T 13745 discipline name" if src == "gbt" else "research topic",
            }
        )
    assert not set(HAND_HK) - seen, set(HAND_HK) - seen
    with out.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(
        len(rows), "topics,", sum(r["zh_hant_source"].startswith("hand") for r in rows), "hand HK"
    )


if __name__ == "__main__":
    main()
