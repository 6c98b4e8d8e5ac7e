"""Generate the labelled development set for the analysis engine (seeded, reproducible).

    .venv/bin/python tests/analysis/data/make_devset.py [-n 3000] [--seed 7] [-o tests/analysis/data/devset.jsonl]

Texts are composed from hand-written phrases: a mayor's-mailbox style letter per
concern (13 concerns in 7 topics), with shared openers, places (masked as A市,
B区 ...), cross-topic filler, complaints about earlier replies, escalation
talk, typos, personal data to be scrubbed, and copy-paste campaigns. Each line
carries two labels: ``topic`` (7 classes, like the hidden evaluation set) and
``concern`` (13 classes, like risk points).

Honest caveat: however varied, this is easier than real letters. Every text is
built from the concern's own phrase pool, so the signal is cleaner than in
real mail, where people mix issues and write in their own words.
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

CITIES = ["A市", "B市", "C市"]
DISTRICTS = ["A区", "B区", "C区", "D区", "A1区", "A2区", "A3区", "K县", "L县"]
TOWNS = ["A镇", "B镇", "城关镇", "B街道", "A街道", "新城街道"]
ESTATES = ["幸福家园", "锦绣花园", "阳光小区", "和平里", "金色港湾", "翠湖苑", "东方名都", "滨江一号", "建设新村", "桃源居", "丽景湾", "书香门第"]
ROADS = ["人民路", "解放大道", "建设路", "中山路", "滨河路", "青年路", "迎宾大道", "长江路", "学府路", "工业大道"]

OPENERS = [
    "尊敬的领导您好，", "市长您好！", "您好，", "各位领导好，", "", "", "我是{place}的一名居民，", "我是{place}的业主，",
    "本人住在{place}，", "领导你们好，我想反映一个问题。", "我们是{place}的住户，", "您好，我是一名普通市民，",
    "请问相关部门，", "麻烦领导看一下，", "实在没办法了才写信，",
]
CLOSINGS = [
    "希望领导重视，尽快解决！", "恳请有关部门给个说法。", "望尽快回复，谢谢！", "请相关部门尽快处理。", "谢谢！",
    "希望能得到答复。", "盼复。", "这个问题拖了很久了，请领导督促一下。", "老百姓真的很无奈，请帮帮我们。", "",
    "请不要再推来推去了。", "期待早日解决。",
]
GENERIC = [
    "之前打过12345热线，也在网上留言过，一直没有回复。", "我们多次向社区和街道反映，都说不归他们管。",
    "各部门互相推诿，问题一直没有解决。", "去年就反映过，到现在也没有下文。", "希望领导能实地来看一看。",
    "这严重影响了我们的正常生活。", "老人和孩子都受不了。", "大家意见都很大。", "不知道到底该找哪个部门。",
    "我们也理解政府的难处，但是问题总要解决。", "附近很多居民都有同样的情况。", "已经好几个月了。",
    "现在群里大家都在讨论这个事。", "请问这样合理吗？", "说是会处理，结果一点变化都没有。",
]
ESCALATE = [
    "如果再不解决，我们只能集体上访。", "大家商量好了，再没人管就去市政府门口拉横幅。", "我们已经准备起诉了。",
    "再不处理就找媒体曝光。", "我们绝不同意这样的方案！", "实在不行只能去省里上访了。", "业主们准备联名维权。",
    "有人说要去堵路，我们也拦不住。", "已经发到网上了，好多人转发。",
]

# concern -> (topic, titles, sentences by slot)
C = {}
C["demolition_compensation"] = ("城乡建设", [
    "关于{place}拆迁补偿标准过低的问题", "{place}征收补偿不合理", "反映{road}片区拆迁安置问题", "请求公开征收补偿方案",
], {
    "core": [
        "我家房子在{road}旧城改造范围内，给的补偿标准每平米才{n}元，周边二手房都卖到{m}元了。",
        "拆迁办评估价明显偏低，评估公司是开发商找的，我们根本不认可。",
        "同一个村，有关系的人补偿多，老实人补偿少，这公平吗？", "宅基地上的房子按违建算，一分钱不给，太不合理。",
        "安置房到现在还没开工，过渡费也停发了半年。", "说好三年回迁，现在五年了回迁房还是一片空地。",
        "征地补偿款被村委会截留，村民到手的只有一小部分。", "补偿协议是在威胁下签的，不签就断水断电。",
        "征收方案没有公示，也没有听证，我们连知情权都没有。", "货币补偿这点钱在城里连个厕所都买不到。",
        "失地农民的社保一直没有落实，征地时承诺的都没兑现。", "晚上有人来砸门窗，逼我们签字，这是强拆。",
        "青苗补偿和地上附着物补偿都没有按标准给。", "产权调换的安置房面积缩水，公摊太大。",
        "棚户区改造本来是好事，但补偿方案一刀切，老人家住了几十年的房子就给这么点钱。",
        "临时安置费每月{k}元，根本租不到房子，一家老小只能挤在亲戚家。",
    ],
    "extra": ["房屋面积是按老证算的，后来加盖的部分不给补偿。", "听说前面签约的人有奖励，后面签的就没有。", "我们不是不支持拆迁，只是要求补偿合理。", "安置小区的位置太偏，孩子上学老人看病都不方便。"],
})
C["property_delivery"] = ("城乡建设", [
    "{estate}延期交房问题", "{estate}物业不作为", "{estate}房产证迟迟办不下来", "关于{estate}开发商违约的投诉",
], {
    "core": [
        "{estate}合同约定去年底交房，到现在还没交，开发商一直拖。", "交房后发现墙体开裂、漏水严重，开发商拒不维修。",
        "买房五年了房产证还办不下来，开发商说手续不全。", "物业费年年涨，服务却越来越差，楼道没人打扫。",
        "物业公司私自把公共绿地改成停车位出租收钱。", "小区电梯三天两头坏，困人好几次了，物业不管。",
        "业委会成立被物业和开发商阻挠，业主的维修基金去向不明。", "楼盘烂尾两年了，我们每个月还在还房贷。",
        "开发商宣传的配套学校、商业都没有兑现，属于虚假宣传。", "网签备案迟迟不办，公积金贷款也批不下来。",
        "小区消防通道被占，物业收了钱就不管。", "实际面积比合同少了七八个平方，开发商不给说法。",
        "老旧小区改造说要加装电梯，拖了两年还没动静。", "地下车库一下雨就积水，车都泡了，物业说是开发商的事。",
    ],
    "extra": ["业主群里几百户都在问什么时候能解决。", "住建部门来看过一次就没有下文了。", "我们是刚需买房，掏空了六个钱包。"],
})
C["construction_noise_dust"] = ("环境保护", [
    "{road}工地夜间施工噪音扰民", "{estate}旁边工地扬尘严重", "投诉{place}渣土车噪音和扬尘", "夜间施工严重影响休息",
], {
    "core": [
        "{estate}旁边的工地每天晚上施工到凌晨两三点，打桩机的声音吵得根本睡不着。",
        "工地没有围挡也不洒水，扬尘特别大，家里窗户都不敢开，阳台一天就一层灰。",
        "渣土车半夜在{road}上跑，噪音大，还掉土，路面全是泥。", "孩子马上高考了，每天晚上施工噪音让孩子无法复习。",
        "打电话给环保局，说有夜间施工许可证，可是许可证上写的是混凝土浇筑，他们天天晚上都在干。",
        "搅拌站离居民楼不到一百米，粉尘和噪声日夜不停。", "施工方说工期紧，可是居民的休息权谁来保障？",
        "老人有心脏病，被噪音吵得血压升高，住了一次院。", "工地的探照灯直射到卧室里，加上噪音，整晚失眠。",
        "雾霾天还在土方作业，扬尘污染太严重了。", "拆除老楼的时候粉尘满天飞，也不喷水降尘。",
        "周末早上六点就开始切割钢筋，噪声超过七十分贝。",
    ],
    "extra": ["我们拍了视频，随时可以提供。", "希望环保和城管部门晚上来执法检查。", "按规定晚上十点以后不能施工。"],
})
C["waste_station"] = ("环境保护", [
    "反对在{estate}旁建垃圾中转站", "{place}垃圾中转站选址不合理", "垃圾站臭味影响居民生活", "关于垃圾中转站选址的意见",
], {
    "core": [
        "听说要在{estate}门口建垃圾中转站，离住宅楼只有二十多米，我们坚决反对。",
        "垃圾中转站选址离幼儿园太近，孩子们天天闻臭味，对身体有害。", "现在的垃圾站夏天臭气熏天，蚊蝇乱飞，窗户都不能开。",
        "垃圾中转站的环评报告没有公示，选址程序不合法。", "垃圾车每天早上四五点来收运，噪音和臭味都很大。",
        "为什么不把垃圾站建在远离居民区的地方？卫生防护距离根本不够。", "渗滤液流到路边，下雨天污水横流。",
        "建了垃圾站以后我们的房子还能卖出去吗？房价肯定要跌。", "我们不是反对垃圾处理，是反对选址离居民楼这么近。",
        "垃圾焚烧厂的二噁英排放让人担心，周边居民都很恐慌。", "规划图上这里原来是绿地，现在改成了垃圾中转站。",
        "征求意见只在公告栏贴了三天，大部分居民都不知道。",
    ],
    "extra": ["希望重新选址，另找合适的位置。", "可以建全封闭的，但至少要离住宅一百米以上。", "住建和城管部门应该给居民一个交代。"],
})
C["factory_pollution"] = ("环境保护", [
    "{place}化工厂排放异味", "举报{place}企业偷排污水", "{road}附近工厂废气污染", "河道被污染请求治理",
], {
    "core": [
        "{place}工业园区的化工厂每天晚上偷偷排放废气，刺鼻的异味让人头晕恶心。", "工厂把污水直接排到河里，河水发黑发臭，鱼都死了。",
        "附近的橡胶厂烟囱冒黑烟，空气污染严重，很多人咳嗽。", "企业白天不排晚上排，环保局来检查的时候就停工。",
        "村里的井水被污染了，水是黄的，不敢喝。", "养殖场粪便直接排放，整个村子臭气熏天。",
        "饭店油烟直排到居民楼，油烟味太大，窗户都是油。", "塑料加工厂焚烧废料，晚上烟味特别大。",
        "黑臭水体整治说了好几年，到现在河道还是一股臭味。", "化工园区离居民区不到一公里，一旦出事后果不堪设想。",
    ],
    "extra": ["希望生态环境局加强夜间监测。", "我们怀疑企业的环评是走过场。", "周边癌症病人好像多了，大家都很担心。"],
})
C["traffic_congestion"] = ("交通运输", [
    "{road}交通拥堵问题", "建议{road}路口增设红绿灯", "{road}与{road2}交叉口太堵", "{place}停车难乱停车问题",
], {
    "core": [
        "{road}早晚高峰堵得水泄不通，一公里要开半个小时。", "{road}和{road2}交叉口没有红绿灯，车辆人流混行，非常危险。",
        "红绿灯时间设置不合理，直行绿灯只有十几秒。", "学校门口接送孩子的车辆乱停，把路都堵死了。",
        "道路施工封路半年了也没有绕行标志，交通一团乱。", "路边违停严重，交警很少来管，公交车都开不过去。",
        "这个路口经常发生交通事故，建议设置信号灯和斑马线。", "小区门口的人行道被电动车和汽车占满了，行人只能走机动车道。",
        "高架桥下的掉头口设计不合理，每天都排长队。", "停车位太少，晚上回来根本找不到车位。",
        "渣土车、大货车在城区乱跑，超速超载，太危险了。", "建议在{road}增加非机动车道，电动车和汽车抢道太危险。",
    ],
    "extra": ["希望交警部门优化信号灯配时。", "我们每天上班都要提前一个小时出门。", "交通规划要考虑新建小区的人口增长。"],
})
C["public_transport"] = ("交通运输", [
    "建议开通{estate}到市区的公交线路", "{place}公交车班次太少", "出租车拒载绕路问题", "地铁站出口设置不合理",
], {
    "core": [
        "{estate}入住了几千户，到现在没有一条公交线路，出行非常不便。", "{road}的公交车班次太少，等一趟要四十分钟。",
        "公交线路调整后，我们小区附近的站点被取消了，老人出行很困难。", "出租车司机拒载、绕路、不打表，投诉了也没用。",
        "网约车在火车站被拦着不让接客，黑车却没人管。", "地铁站只开了一个出口，早高峰排队进站要二十分钟。",
        "公交车司机开车太猛，老人上车还没坐好就开走了。", "末班车太早，晚上加班的人只能打车。",
        "希望开通社区微循环公交，方便居民到地铁站。", "公交站台没有遮雨棚，下雨天只能淋雨等车。",
        "共享单车乱停乱放，把盲道都堵住了。", "长途客运站搬到郊区以后，坐车太不方便了。",
    ],
    "extra": ["交通运输局应该调研一下居民的出行需求。", "老人办的公交卡刷不了新线路。"],
})
C["school_places"] = ("教育文体", [
    "{estate}学区划分不合理", "{place}孩子上学难问题", "请求增加{place}公办幼儿园学位", "关于随迁子女入学的咨询",
], {
    "core": [
        "{estate}明明离{road}小学只有五百米，却被划到三公里外的学校。", "今年学区划分突然调整，买房时的学区没了，我们接受不了。",
        "公办幼儿园学位太少，摇号摇不上，民办的一个月要三四千。", "新小区入住了几千户，配套学校还没建，孩子上学难。",
        "随迁子女入学要的材料太多，社保要交满三年，我们刚来根本达不到。", "学校班额太大，一个班六七十个学生，老师根本顾不过来。",
        "拆迁安置户的孩子户口迁了，现在入学却不认可，两头不管。", "就近入学政策执行不公平，有关系的就能进好学校。",
        "小升初划片每年都变，家长无所适从。", "学校周边的校外培训机构乱收费，还说是学校推荐的。",
        "学校食堂饭菜质量差，孩子经常吃不饱，收费却很高。", "教师在外面有偿补课，上课不讲课后讲。",
        "中考加分政策不透明，请教育局公开。", "孩子每天作业写到晚上十一点，减负成了一句空话。",
    ],
    "extra": ["教育局应该提前做好学位预测。", "家长们都很焦虑。", "孩子的教育等不起。"],
})
C["wages_unpaid"] = ("劳动和社会保障", [
    "{place}工地拖欠农民工工资", "公司拖欠工资不发", "请求帮助讨薪", "单位不签劳动合同不交社保",
], {
    "core": [
        "我们在{estate}工地干了大半年，包工头跑了，二十多个农民工的工资一分没拿到。",
        "公司已经拖欠三个月工资了，老板说没钱，可是他还在买豪车。", "春节前要工资，施工单位和开发商互相推，谁都不给钱。",
        "单位不跟我们签劳动合同，也不交社保，出了工伤都没人管。", "公司裁员不给经济补偿金，还逼我们自己写辞职信。",
        "加班费从来不给，每天工作十二个小时。", "去劳动仲裁赢了，公司就是不执行，法院也拖着。",
        "劳务派遣工和正式工同工不同酬，太不公平了。", "在工地摔伤了腿，老板只给了两千块钱就不管了，工伤认定也不给办。",
        "厂里改制以后，我们这些老职工被买断工龄，补偿太少。", "试用期说好的工资到手少了一半。",
    ],
    "extra": ["家里老人孩子都等着这点钱过年。", "劳动监察大队说会处理，到现在也没消息。", "我们只想要回自己的血汗钱。"],
})
C["social_insurance"] = ("劳动和社会保障", [
    "养老保险补缴问题咨询", "{place}低保评定不公平", "医保报销比例太低", "关于公积金提取的问题",
], {
    "core": [
        "我以前是国企职工，企业改制时社保断缴了几年，现在想补缴养老保险，社保局说不能补。",
        "退休金计算有误，比同年同级的同事少了几百块。", "村里低保评定不公平，村干部的亲戚都吃低保，真正困难的没有。",
        "异地就医备案太麻烦，医保报销比例也太低。", "灵活就业人员的养老保险缴费基数每年都涨，负担太重。",
        "失业保险金申领要跑好几个部门，材料反复提交。", "住房公积金提取规定太死，租房提取额度太低。",
        "被征地农民的养老保险一直没落实，当年说好的政策不兑现。", "退役军人的待遇没有按政策落实。",
        "社保卡补办要排一上午的队，网上办理又总是出错。", "残疾人补贴停发了，问了也没人解释原因。",
        "养老金调整后企业退休和机关退休差距越来越大。",
    ],
    "extra": ["人社局的热线一直打不通。", "希望政策能公开透明。", "我们年纪大了，跑不动了。"],
})
C["hospital_health"] = ("卫生计生", [
    "{place}医院看病难", "投诉{place}人民医院服务态度", "疫苗接种预约难", "关于出生证明办理的问题",
], {
    "core": [
        "{place}人民医院挂号难，凌晨排队都挂不上专家号。", "医生态度恶劣，问两句就不耐烦，检查开了一大堆。",
        "孩子打疫苗预约不上，社区卫生服务中心说没有疫苗。", "乡镇卫生院缺医少药，看个小病都要跑到市里。",
        "住院期间被收了很多不合理的费用，医药费清单看不懂。", "医疗事故后医院推卸责任，医疗纠纷调解没有结果。",
        "二孩出生证明办理要各种证明，跑了五六趟。", "急诊等了三个小时没人管，老人差点出事。",
        "医院停车太难，周边道路天天堵。", "药店卖的药比医院贵好多，医保还不能用。",
        "计划生育的奖励扶助政策到现在没有兑现。", "社区医院的家庭医生签约只是走形式，从来没人联系过。",
    ],
    "extra": ["卫健委应该加强监管。", "看病贵看病难的问题什么时候能解决。"],
})
C["consumer_market"] = ("商贸旅游", [
    "{place}健身房卷款跑路", "投诉商家虚假宣传", "{place}农贸市场管理混乱", "预付卡退款难",
], {
    "core": [
        "{road}的健身房突然关门，老板跑路了，几百名会员的预付卡都退不了。",
        "在商场买的家电有质量问题，商家拒绝退换，市场监管局调解也不理。", "农贸市场缺斤少两的现象很严重，管理混乱。",
        "培训机构收了一年的学费就倒闭了，退款无门。", "网购的商品是假货，商家电话打不通。",
        "餐饮店卫生条件太差，吃完上吐下泻，食品安全谁来管？", "商家利用预付卡搞消费陷阱，合同全是霸王条款。",
        "超市出售过期食品，投诉后只给了一点赔偿。", "装修公司收了钱不干活，拖了半年还没完工。",
        "美容店办卡时承诺的服务都不兑现，要退款就说不能退。", "快递经常丢件，投诉到快递公司也没人处理。",
    ],
    "extra": ["希望市场监管部门加大执法力度。", "消费者的权益谁来保障？", "很多人都上当了。"],
})
C["tourism"] = ("商贸旅游", [
    "{place}景区门票乱涨价", "{place}旅游强制购物", "景区管理混乱问题", "关于{place}古镇开发的意见",
], {
    "core": [
        "{place}景区门票从六十涨到一百二，服务却没有任何改善。", "跟团旅游被导游强制购物，不买就甩脸色。",
        "节假日景区人满为患，排队三个小时，停车场也不够。", "古镇商业开发过度，到处是卖小商品的，没有了原来的味道。",
        "景区里的餐饮价格高得离谱，一碗面要五十块。", "酒店宰客，节假日价格翻了三倍。",
        "景区索道经常停运，也不提前通知游客。", "民宿没有证照，消防安全有隐患。",
        "古建筑被拆了建仿古商业街，文物保护去哪了？", "旅游大巴乱停，把村民进出的路都堵了。",
    ],
    "extra": ["希望文旅局规范旅游市场。", "这样下去谁还愿意来旅游。"],
})

TYPOS = {"补偿": "补尝", "噪音": "燥音", "拆迁": "拆签", "的": "得", "在": "再", "已经": "以经", "扬尘": "洋尘",
         "反映": "反应", "安置": "按置", "公交": "公交", "学位": "学为", "工资": "工姿", "垃圾": "拉圾", "医院": "医员"}


def _fill(s: str, rng: random.Random, ctx: dict) -> str:
    return s.format(**ctx, n=rng.choice([2800, 3200, 3500, 4100]), m=rng.choice([9000, 12000, 15000]),
                    k=rng.choice([600, 800, 1000]))


SYNONYMS = {"严重": ["厉害", "严重", "很严重"], "非常": ["特别", "十分", "非常"], "居民": ["住户", "居民", "老百姓"],
            "我们": ["我们", "我们大家", "俺们"], "解决": ["处理", "解决", "解决一下"], "问题": ["问题", "情况", "事情"],
            "孩子": ["孩子", "小孩", "娃"], "老人": ["老人", "老年人", "老人家"], "现在": ["现在", "目前", "如今"],
            "没有": ["没有", "没", "并没有"], "政府": ["政府", "有关部门", "上面"]}

# Sentences whose vocabulary belongs to no single topic (money, safety, children, old people, fees ...).
SHARED = [
    "家里老人身体不好，孩子还小，实在折腾不起。", "这笔费用对我们普通家庭来说负担太重了。", "安全问题谁来负责？出了事就晚了。",
    "小区里很多人都有意见，只是没人出头。", "我们交了钱，却享受不到应有的服务。", "相关部门应该加强监管，不能只收钱不管事。",
    "每天上下班都要经过这里，天天提心吊胆。", "政策是好的，就是到了下面执行走样了。", "我们要求的不多，就是公平合理。",
    "工作人员态度很差，问什么都说不知道。", "办事要跑好几个部门，材料交了一遍又一遍。", "网上说的和实际执行的完全不一样。",
    "希望政府多考虑一下老百姓的实际困难。", "这件事已经影响到孩子的学习和老人的健康了。", "收费标准也不公开，想收多少收多少。",
]


def _fragment(sentence: str, rng: random.Random) -> str:
    """Keep a random run of the sentence's clauses, as people quote and retell things in part."""
    clauses = [c for c in sentence.replace("。", "，").replace("？", "，").replace("！", "，").split("，") if c]
    if len(clauses) < 2 or rng.random() < 0.5:
        return sentence
    a = rng.randrange(len(clauses))
    b = rng.randint(a + 1, len(clauses))
    return "，".join(clauses[a:b]) + rng.choice(["。", "，", "！", "。"])


def _synonyms(text: str, rng: random.Random) -> str:
    for a, options in SYNONYMS.items():
        if a in text and rng.random() < 0.5:
            text = text.replace(a, rng.choice(options))
    return text


def _typos(text: str, rng: random.Random, rate: float) -> str:
    for a, b in TYPOS.items():
        if a in text and rng.random() < rate:
            text = text.replace(a, b, 1)
    if rng.random() < 0.15:
        text = text.replace("，", " ").replace("。", " ")
    if rng.random() < 0.05:
        text = text.translate({ord(c): chr(ord(c) + 0xFEE0) for c in "0123456789"})
    return text


def make_doc(concern: str, rng: random.Random) -> tuple[str | None, str]:
    topic, titles, slots = C[concern]
    city = rng.choice(CITIES)
    district = rng.choice(DISTRICTS)
    estate = rng.choice(ESTATES)
    ctx = {
        "place": rng.choice([city + district, district + rng.choice(TOWNS), city + district + estate, district]),
        "estate": rng.choice([estate, district + estate]),
        "road": rng.choice(ROADS), "road2": rng.choice(ROADS),
    }
    parts = [_fill(rng.choice(OPENERS), rng, ctx)]
    core = rng.sample(slots["core"], k=min(len(slots["core"]), rng.choice([1, 1, 1, 2, 2, 3])))
    body = [_fragment(_fill(s, rng, ctx), rng) for s in core]
    if rng.random() < 0.4:
        body.append(rng.choice(slots["extra"]))
    for _ in range(rng.choice([0, 1, 1, 2, 3, 4])):
        body.insert(rng.randrange(len(body) + 1), rng.choice(GENERIC + SHARED))
    # cross-topic bleed: a sentence from another concern (people mix issues)
    if rng.random() < 0.3:
        other = rng.choice([c for c in C if c != concern])
        body.insert(rng.randrange(len(body) + 1), _fragment(_fill(rng.choice(C[other][2]["core"]), rng, ctx), rng))
    if rng.random() < 0.12:
        body.append(rng.choice(ESCALATE))
    if rng.random() < 0.05:
        body.append(rng.choice(["联系电话13{0}12345678。", "我的手机：15{0}0001111，", "邮箱 zhangsan{0}@163.com"]).format(rng.randrange(10)))
    if rng.random() < 0.03:
        body.append("详情见 http://bbs.example.cn/t/{0}".format(rng.randrange(99999)))
    parts.extend(body)
    parts.append(rng.choice(CLOSINGS))
    text = _typos(_synonyms("".join(parts), rng), rng, 0.25)
    title = _fill(rng.choice(titles), rng, ctx) if rng.random() < 0.7 else None
    return title, text


def generate(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    concerns = list(C)
    # unbalanced like real mail
    weights = [9, 5, 6, 4, 3, 4, 3, 7, 5, 5, 4, 3, 2]
    out = []
    i = 0
    while len(out) < n:
        concern = rng.choices(concerns, weights)[0]
        title, text = make_doc(concern, rng)
        i += 1
        doc = {"id": f"d{i:05d}", "text": text, "topic": C[concern][0], "concern": concern,
               "source": rng.choice(["comment", "comment", "survey", "hearing", "visit", "other"]),
               "stance": rng.choice(["oppose", "oppose", "conditional", "support", "other", None]),
               "author": f"u{rng.randrange(n)}" if rng.random() < 0.8 else None,
               "weight": rng.choice([1, 1, 1, 1, 2, 3, 5])}
        if title:
            doc["title"] = title
        out.append(doc)
        # copy-paste campaigns: a few letters copied many times with small edits
        if rng.random() < 0.004:
            for j in range(rng.randint(15, 40)):
                i += 1
                copy = dict(doc, id=f"d{i:05d}", author=f"u{rng.randrange(n)}")
                copy["text"] = doc["text"].replace("。", "！", rng.randint(0, 1)) + rng.choice(["", "同意！", "我也是", "+1", "强烈要求解决"])
                out.append(copy)
    return [{k: v for k, v in d.items() if v is not None} for d in out[:n]]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("-o", default=str(Path(__file__).with_name("devset.jsonl")))
    args = ap.parse_args()
    docs = generate(args.n, args.seed)
    with open(args.o, "w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps(d, ensure_ascii=False) + "\n")
    print(f"wrote {len(docs)} texts to {args.o}")


if __name__ == "__main__":
    main()
