"""Playbook matching speed: `playbooks.matcher.match` with 200 playbooks, one core.

    .venv/bin/python -m ops.bench.matching --runs 5

The library: the 17 shipped playbooks, 48 more topics written here (keywords in up to
eleven languages, as a coordinator's would be), and local variants of the nine most
asked topics for 15 municipalities (the topic's keywords plus the place's names: a
prefecture's deployment with a playbook per town) up to 200 in all. The messages: a few
thousand routine ones written here from templates (Japanese most, then English, Chinese,
Korean, Vietnamese, Portuguese, Spanish and a few others), about a fifth matching no
playbook at all; each has the category and language an assessment would give it.

Measured in one process pinned to one core: matches/s over every message (one `match`
call each), median of `--runs` runs, against the 200 and, as the same-run baseline,
against the 17 shipped playbooks. "cold" includes normalising the text (`match` does
it); "warm" normalises first, outside the timing, as in a worker where the rules and
the model normalised the same text just before (`normalize` keeps an LRU of 256).
With `--profile` (or when the 200 fall short of the goal) a cProfile of one run is
summarised. `prototype_indexed_200` is the service's keyword index (`playbooks.library_index`,
first written here as a prototype), measured in the same run and checked to choose
exactly what `match` chooses for every message. Prints JSON.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import random
import statistics
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from playbooks.files import default_playbooks
from playbooks.impact import stored_assessment
from playbooks.library_index import LibraryIndex
from playbooks.matcher import match
from playbooks.schemas import PlaybookContent
from triage.assessment.normalize import normalize
from triage.assessment.schemas import Assessment

GOAL_PER_SECOND = 5_000
LIBRARY_SIZE = 200
SEED = 20261201

# One topic a paragraph: "id category", then "language word, word, ..." lines.
# Written for this benchmark: the words people use.
TOPICS_SPEC = """
portable_toilets information_other
  ja 仮設トイレ, トイレ, 簡易トイレ, 携帯トイレ
  en toilet, portable toilet, restroom
  zh 厕所, 临时厕所
  ko 화장실, 간이 화장실
  vi nhà vệ sinh
  pt banheiro
  es baño, aseo
  tl palikuran
  id toilet umum
pharmacy medical
  ja 薬局, 処方箋, お薬手帳, 常備薬, 薬が切れ
  en pharmacy, prescription, medicine
  zh 药店, 处方, 药品
  ko 약국, 처방전
  vi nhà thuốc, thuốc
  pt farmácia, receita, remédio
  es farmacia, receta, medicina
household_garbage information_other
  ja ゴミ収集, ごみ収集, 燃えるゴミ, 可燃ごみ, ごみの日, 生ごみ
  en garbage collection, trash pickup, rubbish
  zh 垃圾收集, 生活垃圾
  ko 쓰레기 수거, 생활 쓰레기
  vi thu gom rác
  pt coleta de lixo
  es recogida de basura
bus_service roads_transport
  ja バス, 臨時バス, シャトルバス, 時刻表, 運行
  en bus, shuttle, timetable
  zh 公交, 巴士, 班车
  ko 버스, 셔틀
  vi xe buýt
  pt ônibus
  es autobús
  tl bus
train_service roads_transport
  ja 電車, 列車, 運転再開, 運休, 鉄道
  en train, railway, rail service
  zh 火车, 列车, 铁路
  ko 기차, 열차, 철도
  vi tàu hỏa
  pt trem
  es tren
temporary_housing certificates_support
  ja 仮設住宅, 応急仮設, みなし仮設, 入居, 住まい
  en temporary housing, housing, apartment
  zh 临时住房, 住房
  ko 임시 주택, 주거
  vi nhà tạm, nhà ở
  pt moradia temporária, moradia
  es vivienda temporal, vivienda
financial_aid certificates_support
  ja 義援金, 支援金, 給付金, 見舞金, 生活再建
  en relief money, grant, financial aid, cash support
  zh 救济金, 补助金
  ko 지원금, 의연금
  vi tiền hỗ trợ, trợ cấp
  pt auxílio, ajuda financeira
  es ayuda económica, subsidio
tax_relief certificates_support
  ja 税金, 納税, 猶予, 減免, 固定資産税
  en tax, tax relief, deadline extension
  zh 税, 减免
  ko 세금, 감면
  vi thuế
  pt imposto
  es impuesto
insurance certificates_support
  ja 保険, 地震保険, 火災保険, 保険金
  en insurance, insurance claim
  zh 保险, 理赔
  ko 보험, 보험금
  vi bảo hiểm
  pt seguro
  es seguro
banking information_other
  ja 銀行, 通帳, キャッシュカード, 預金, 引き出し, atm
  en bank, atm, cash withdrawal, bankbook
  zh 银行, 取钱
  ko 은행, 현금 인출
  vi ngân hàng, rút tiền
  pt banco, saque
  es banco, cajero
id_reissue certificates_support
  ja 運転免許証, マイナンバーカード, 再発行, 保険証, 住民票
  en driver's license, reissue, id card, my number card
  zh 补办, 驾照, 身份证
  ko 재발급, 운전면허증
  vi cấp lại, bằng lái
  pt segunda via, carteira de motorista
  es reexpedición, licencia de conducir
childcare information_other
  ja 保育園, 保育所, 幼稚園, 託児, 子どもの預け
  en daycare, nursery, childcare, kindergarten
  zh 托儿所, 幼儿园
  ko 어린이집, 유치원
  vi nhà trẻ, mẫu giáo
  pt creche
  es guardería
elderly_care information_other
  ja 介護, デイサービス, 福祉避難所, ヘルパー, ケアマネ
  en elderly care, nursing care, care home
  zh 护理, 养老院
  ko 요양, 노인 돌봄
  vi chăm sóc người già
  pt cuidado de idosos
  es cuidado de mayores
mental_health medical
  ja 心のケア, 眠れない, 不安で, ストレス, 相談したい
  en mental health, counseling, can't sleep, anxiety
  zh 心理咨询, 失眠
  ko 심리 상담, 불면
  vi tư vấn tâm lý, mất ngủ
  pt saúde mental, ansiedade
  es salud mental, ansiedad
clinic_hours medical
  ja 病院, 診療, 外来, 救護所, 医療機関, 診察
  en hospital, clinic, outpatient, doctor
  zh 医院, 门诊, 诊所
  ko 병원, 진료, 외래
  vi bệnh viện, phòng khám
  pt hospital, clínica
  es hospital, clínica, consulta
dialysis medical
  ja 透析, 人工透析
  en dialysis
  zh 透析
  ko 투석
  vi chạy thận
  pt diálise
  es diálisis
gas_supply utilities
  ja 都市ガス, プロパンガス, ガスが使え, 開栓, ガスの復旧
  en gas supply, gas service, propane
  zh 燃气, 煤气
  ko 도시가스, 가스 공급
  vi khí gas
  pt gás encanado
  es suministro de gas
tap_water utilities
  ja 断水, 水道, 蛇口, 濁り水, 通水
  en tap water, water outage, water main
  zh 停水, 自来水
  ko 단수, 수돗물
  vi mất nước, nước máy
  pt falta de água, água encanada
  es corte de agua, agua del grifo
mobile_network utilities
  ja 電波, 圏外, 通信障害, スマホがつながら, 回線
  en no signal, mobile signal, network outage, cell service
  zh 没有信号, 网络中断
  ko 신호, 통신 장애
  vi mất sóng, sóng điện thoại
  pt sem sinal
  es sin señal, cobertura
road_closures roads_transport
  ja 通行止め, 通行規制, 迂回, 国道, 県道
  en road closure, closed road, detour
  zh 封路, 道路封闭
  ko 통행금지, 도로 통제
  vi đường bị chặn, cấm đường
  pt estrada fechada, desvio
  es carretera cortada, desvío
fuel water_food_supplies
  ja ガソリン, 給油, 灯油, ガソリンスタンド, 燃料
  en gasoline, petrol, fuel, kerosene, gas station
  zh 汽油, 加油站, 煤油
  ko 휘발유, 주유소, 등유
  vi xăng, cây xăng
  pt gasolina, posto de gasolina, querosene
  es gasolina, gasolinera, queroseno
blankets_heating water_food_supplies
  ja 毛布, 暖房, ストーブ, 防寒着, カイロ
  en blanket, heater, warm clothes
  zh 毛毯, 暖气, 取暖
  ko 담요, 난방, 난로
  vi chăn, máy sưởi
  pt cobertor, aquecedor
  es manta, calefacción, estufa
baby_supplies water_food_supplies
  ja 粉ミルク, 液体ミルク, おむつ, オムツ, 哺乳瓶, 離乳食
  en baby formula, diaper, nappies, baby food
  zh 奶粉, 尿布, 纸尿裤
  ko 분유, 기저귀
  vi sữa bột, tã
  pt fralda, leite em pó
  es pañal, leche de fórmula
  tl lampin, gatas
allergy_food water_food_supplies
  ja アレルギー, 食物アレルギー, アレルギー対応, 除去食
  en allergy, allergen, gluten-free
  zh 过敏
  ko 알레르기
  vi dị ứng
  pt alergia
  es alergia
halal_vegetarian water_food_supplies
  ja ハラール, ベジタリアン, 豚肉
  en halal, vegetarian, vegan, pork
  id halal, makanan halal, babi
  ne शाकाहारी
  zh 清真, 素食
  vi chay
  pt vegetariano
  es vegetariano
clothing water_food_supplies
  ja 衣類, 着替え, 下着, 洋服, 靴
  en clothes, clothing, underwear, shoes
  zh 衣服, 换洗衣物
  ko 옷, 속옷, 갈아입을
  vi quần áo
  pt roupa
  es ropa
building_inspection damage_report
  ja 危険度判定, 応急危険度判定, 赤い紙, 黄色い紙, 家屋調査
  en building inspection, red tag, structural safety
  zh 房屋鉴定, 危险度判定
  ko 건물 점검, 위험도 판정
  vi kiểm tra nhà
  pt vistoria
  es inspección de vivienda
house_repair damage_report
  ja 応急修理, ブルーシート, 屋根, 修理業者, 雨漏り
  en blue tarp, roof repair, repair, roof leak
  zh 修理, 屋顶, 蓝色防水布
  ko 수리, 지붕, 방수포
  vi sửa nhà, mái nhà
  pt conserto, telhado, lona
  es reparación, tejado, lona azul
legal_advice certificates_support
  ja 弁護士, 法律相談, 相続, 二重ローン, 住宅ローン
  en lawyer, legal advice, mortgage, loan
  zh 律师, 法律咨询, 贷款
  ko 변호사, 법률 상담, 대출
  vi luật sư, khoản vay
  pt advogado, empréstimo
  es abogado, hipoteca, préstamo
residence_visa certificates_support
  ja 在留カード, 在留資格, ビザ, 大使館, 領事館
  en residence card, visa, embassy, consulate
  zh 签证, 在留卡, 大使馆
  ko 비자, 대사관, 체류 카드
  vi thẻ cư trú, visa, đại sứ quán
  pt visto, embaixada, cartão de residência
  es visa, embajada, tarjeta de residencia
  tl visa, embahada
  ne भिसा, दूतावास
  id visa, kedutaan
interpreting information_other
  ja 通訳, 翻訳, 外国語, 多言語
  en interpreter, translation, speak english
  zh 翻译, 中文
  ko 통역, 한국어
  vi phiên dịch, tiếng việt
  pt intérprete, português
  es intérprete, español
  tl tagasalin
  ne दोभाषे
  id penerjemah
lost_and_found information_other
  ja 落とし物, 忘れ物, 遺失物, 財布を落とし, 拾った
  en lost and found, lost wallet, lost item, found a
  zh 失物招领, 丢了钱包
  ko 분실물, 지갑을 잃어
  vi đồ thất lạc, mất ví
  pt achados e perdidos, perdi a carteira
  es objetos perdidos, perdí la cartera
parking_car_stay evacuation_shelter
  ja 駐車場, 車中泊, 車で避難, 駐車
  en parking, sleep in my car, car park
  zh 停车场, 车里过夜
  ko 주차장, 차박
  vi bãi đỗ xe, ngủ trong xe
  pt estacionamento, dormir no carro
  es estacionamiento, dormir en el coche
cleanup_tools volunteer_donation
  ja スコップ, 土のう, 泥出し, 掃除道具, 高圧洗浄機
  en shovel, sandbag, mud removal, cleaning tools
  zh 铁锹, 沙袋, 清淤
  ko 삽, 모래주머니, 진흙
  vi xẻng, bao cát, dọn bùn
  pt pá, saco de areia, lama
  es pala, saco de arena, barro
employment certificates_support
  ja 仕事, 失業, 雇用, ハローワーク, 休業補償, 給料
  en job, unemployment, salary, work permit
  zh 工作, 失业, 工资
  ko 일자리, 실업, 월급
  vi việc làm, thất nghiệp, lương
  pt emprego, desemprego, salário
  es empleo, desempleo, salario
business_support certificates_support
  ja 事業者, 中小企業, 融資, 補助金, 店舗再開
  en small business, business loan, subsidy, reopen my shop
  zh 企业, 融资, 补贴
  ko 소상공인, 융자, 보조금
  vi doanh nghiệp, khoản vay kinh doanh
  pt empresa, subsídio
  es negocio, pyme, subvención
agriculture_fishery damage_report
  ja 農地, 田んぼ, 畑, 漁港, 漁船, 家畜
  en farm, farmland, fishing boat, livestock, rice field
  zh 农田, 渔船, 牲畜
  ko 농지, 어선, 가축
  vi ruộng, tàu cá, gia súc
  pt lavoura, barco de pesca, gado
  es cultivo, barco pesquero, ganado
funeral_registration certificates_support
  ja 死亡届, 火葬, 葬儀, 埋葬
  en funeral, cremation, death certificate, burial
  zh 葬礼, 火化, 死亡证明
  ko 장례, 화장, 사망 신고
  vi tang lễ, hỏa táng
  pt funeral, cremação, certidão de óbito
  es funeral, cremación, acta de defunción
earthquake_info information_other
  ja 余震, 震度, 地震情報, 津波注意報, 揺れ
  en aftershock, earthquake information, tsunami advisory, magnitude
  zh 余震, 地震信息, 海啸
  ko 여진, 지진 정보, 쓰나미
  vi dư chấn, động đất, sóng thần
  pt réplica, terremoto, tsunami
  es réplica, terremoto, tsunami
weather information_other
  ja 大雨, 天気, 警報, 土砂災害警戒, 雨が
  en heavy rain, weather, forecast, warning
  zh 大雨, 天气, 预报
  ko 폭우, 날씨, 예보
  vi mưa lớn, thời tiết, dự báo
  pt chuva forte, previsão do tempo
  es lluvia fuerte, pronóstico, clima
evacuation_orders evacuation_shelter
  ja 避難指示, 避難解除, 高齢者等避難, 自宅に戻, 帰宅
  en evacuation order, order lifted, return home, go back home
  zh 避难指示, 解除, 回家
  ko 대피 명령, 해제, 귀가
  vi lệnh sơ tán, về nhà
  pt ordem de evacuação, voltar para casa
  es orden de evacuación, volver a casa
women_space evacuation_shelter
  ja 女性専用, 更衣室, 授乳室, 生理用品, ナプキン
  en women-only, changing room, sanitary pads, nursing room
  zh 女性专用, 更衣室, 卫生巾
  ko 여성 전용, 탈의실, 생리대
  vi phòng thay đồ, băng vệ sinh
  pt vestiário, absorvente
  es vestuario, compresas
disability_support information_other
  ja 障害者, 車いす, 車椅子, 手話, 補聴器, 視覚障害
  en wheelchair, disability, sign language, hearing aid
  zh 轮椅, 残疾, 手语
  ko 휠체어, 장애인, 수어
  vi xe lăn, người khuyết tật
  pt cadeira de rodas, deficiência
  es silla de ruedas, discapacidad
hotline information_other
  ja 問い合わせ先, 電話番号, コールセンター, 相談ダイヤル, 窓口
  en hotline, phone number, call center, contact number
  zh 电话号码, 咨询电话
  ko 전화번호, 콜센터
  vi số điện thoại, đường dây nóng
  pt telefone, central de atendimento
  es teléfono, línea de atención
damaged_vehicles certificates_support
  ja 被災車両, 廃車, 車の処分, 車が壊れ, 車が水没
  en damaged car, car disposal, flooded car
  zh 报废车, 车辆损坏
  ko 폐차, 침수 차량
  vi xe hỏng, xe bị ngập
  pt carro danificado, carro alagado
  es coche dañado, coche inundado
infection_control medical
  ja 感染症, 発熱, インフルエンザ, コロナ, マスク, 消毒
  en infection, fever, flu, covid, mask, disinfectant
  zh 感染, 发烧, 口罩, 消毒
  ko 감염, 발열, 마스크, 소독
  vi sốt, khẩu trang, khử trùng
  pt febre, máscara, gripe
  es fiebre, mascarilla, gripe
charging_spots utilities
  ja 充電スポット, 充電できる, コンセント, モバイルバッテリー
  en charging station, charge my phone, power bank
  zh 充电, 充电宝
  ko 충전, 보조배터리
  vi sạc điện thoại, sạc dự phòng
  pt carregar o celular
  es cargar el móvil
school_supplies information_other
  ja 教科書, ランドセル, 学用品, 制服, 通学
  en textbooks, school supplies, school uniform
  zh 教科书, 文具, 校服
  ko 교과서, 학용품, 교복
  vi sách giáo khoa, đồ dùng học tập
  pt material escolar, uniforme
  es útiles escolares, uniforme escolar
"""


def parse_topics(spec: str) -> dict[str, tuple[str, dict[str, list[str]]]]:
    topics: dict[str, tuple[str, dict[str, list[str]]]] = {}
    keywords: dict[str, list[str]] = {}
    for line in spec.strip().splitlines():
        if not line.startswith(" "):
            playbook_id, category = line.split()
            keywords = {}
            topics[playbook_id] = (category, keywords)
        else:
            language, words = line.strip().split(" ", 1)
            keywords[language] = [word.strip() for word in words.split(",")]
    return topics


TOPICS = parse_topics(TOPICS_SPEC)

# (municipality, two local places, lgcode-like suffix for the id), in Japanese and romaji.
PLACES = [
    ("七尾市", "和倉", "田鶴浜", "nanao", "Nanao"),
    ("輪島市", "門前", "河井町", "wajima", "Wajima"),
    ("珠洲市", "飯田町", "宝立町", "suzu", "Suzu"),
    ("穴水町", "中居", "川島", "anamizu", "Anamizu"),
    ("能登町", "宇出津", "松波", "noto", "Noto"),
    ("志賀町", "富来", "高浜", "shika", "Shika"),
    ("羽咋市", "千里浜", "柳田", "hakui", "Hakui"),
    ("中能登町", "鹿島", "鳥屋", "nakanoto", "Nakanoto"),
    ("宝達志水町", "宝達", "志雄", "hodatsushimizu", "Hodatsushimizu"),
    ("内灘町", "大根布", "向粟崎", "uchinada", "Uchinada"),
    ("かほく市", "高松", "宇ノ気", "kahoku", "Kahoku"),
    ("金沢市", "金石", "大野町", "kanazawa", "Kanazawa"),
    ("小松市", "安宅", "粟津", "komatsu", "Komatsu"),
    ("加賀市", "山代", "片山津", "kaga", "Kaga"),
    ("白山市", "松任", "美川", "hakusan", "Hakusan"),
]
# The topics asked most after a disaster: each gets a variant per municipality.
LOCAL_TOPICS = [
    "water_food_distribution",
    "shelter_location",
    "utilities_outage",
    "bathing_laundry",
    "disaster_waste",
    "damage_certificate",
    "bus_service",
    "temporary_housing",
    "tap_water",
]

# Routine messages by language: (template, topic or None for none of them). {place},
# {area}: a municipality and a place in it; {time}: when.
MESSAGES: dict[str, list[tuple[str, str | None]]] = {
    "ja": [
        ("{place}{area}で給水はどこでもらえますか", "water_food_distribution"),
        ("{area}の給水車は{time}も来ますか", "water_food_distribution"),
        ("子どもの粉ミルクとおむつが足りません。{place}で配っていますか", "baby_supplies"),
        ("{place}の避難所はどこですか。家族4人です", "shelter_location"),
        ("{area}あたりでお風呂に入れるところはありますか", "bathing_laundry"),
        ("{place}はまだ断水していますか。水道の復旧はいつですか", "tap_water"),
        ("{area}で停電が続いています。電気はいつ戻りますか", "utilities_outage"),
        ("り災証明書の申請は{place}役所のどこでできますか", "damage_certificate"),
        ("壊れた家具などの災害ごみは{area}のどこに出せばいいですか", "disaster_waste"),
        ("{place}から金沢までのバスは{time}出ていますか", "bus_service"),
        ("仮設住宅の入居の申し込みはいつからですか", "temporary_housing"),
        ("{time}、{area}の国道は通行止めですか", "road_closures"),
        ("母の薬が切れそうです。{place}で開いている薬局はありますか", "pharmacy"),
        ("犬を連れて避難できる場所はありますか", "pets"),
        ("ボランティアに参加したいのですが{place}の受付はどこですか", "volunteer"),
        ("ガソリンスタンドは{area}で開いていますか。灯油もほしいです", "fuel"),
        ("{place}の仮設トイレの場所を教えてください", "portable_toilets"),
        ("義援金や支援金はいつもらえますか", "financial_aid"),
        ("運転免許証をなくしました。再発行はどこでできますか", "id_reissue"),
        ("夜寒いので毛布がほしいです。{area}の避難所にありますか", "blankets_heating"),
        ("食物アレルギーの子がいます。アレルギー対応の食べ物はありますか", "allergy_food"),
        ("{place}の病院は{time}診療していますか", "clinic_hours"),
        ("透析を受けられる病院を探しています", "dialysis"),
        ("スマホが圏外で家族と連絡がとれません。電波が入る場所は", "mobile_network"),
        ("{area}の家の応急危険度判定で赤い紙が貼られました。どうすれば", "building_inspection"),
        ("屋根が壊れて雨漏りします。ブルーシートはもらえますか", "house_repair"),
        ("車中泊をしています。{place}で使える駐車場はありますか", "parking_car_stay"),
        ("余震が続いていて不安です。震度の情報はどこで見られますか", "earthquake_info"),
        (
            "避難指示は{place}{area}ではもう解除されましたか。自宅に戻ってもいいですか",
            "evacuation_orders",
        ),
        ("携帯の充電ができるところはありますか", "phone_charging_wifi"),
        ("{place}の小学校は{time}から再開しますか", "school_status"),
        ("郵便物はどこで受け取れますか。家に届きません", "mail_delivery"),
        ("支援物資を送りたいのですが、どこに送ればいいですか", "donations"),
        ("家族の安否を確認したいです。{area}に住んでいる祖母です", "safety_confirmation"),
        ("外国人の友達のために通訳がいる窓口はありますか", "interpreting"),
        ("在留カードをなくしました。ビザの手続きはどうなりますか", "residence_visa"),
        ("仕事がなくなりました。休業補償の相談はどこでできますか", "employment"),
        ("{place}で土のうとスコップを借りられますか。泥出しをしたいです", "cleanup_tools"),
        ("車椅子の父がいます。福祉避難所はありますか", "elderly_care"),
        ("いつもありがとうございます。{area}は落ち着いてきました", None),
        ("昨日の件、解決しました。ありがとう", None),
        ("{place}の{area}地区の者です。こちらは全員無事です", None),
        ("テスト送信です", None),
        ("了解しました", None),
    ],
    "ja-easy": [
        ("みずは どこで もらえますか", "water_food_distribution"),
        ("たべものが ほしいです。{area}に いけば もらえますか", "water_food_distribution"),
        ("ひなんじょは どこですか", "shelter_location"),
        ("ありがとう ございます", None),
    ],
    "en": [
        ("Where can I get drinking water near {area}?", "water_food_distribution"),
        ("Is there food distribution at the {place} shelter {time}?", "water_food_distribution"),
        ("Where is the nearest evacuation center in {place}?", "shelter_location"),
        ("When will the power come back in {area}?", "utilities_outage"),
        ("Is there a place to take a shower or do laundry?", "bathing_laundry"),
        ("Do I need a visa extension? My residence card was lost.", "residence_visa"),
        ("Is there an interpreter who can speak English at city hall?", "interpreting"),
        ("Which pharmacy is open {time}? I need my prescription.", "pharmacy"),
        ("Is the bus to Kanazawa running {time}?", "bus_service"),
        ("Can I bring my dog to the shelter?", "pets"),
        ("Where can I charge my phone?", "phone_charging_wifi"),
        ("I need diapers and baby formula for my son", "baby_supplies"),
        ("Is there halal food at the shelter?", "halal_vegetarian"),
        ("Thank you for the information, we are fine", None),
        ("ok got it", None),
    ],
    "zh": [
        ("{area}哪里可以领取饮用水？", "water_food_distribution"),
        ("最近的避难所在哪里？", "shelter_location"),
        ("什么时候恢复供电？", "utilities_outage"),
        ("我的签证快到期了，在留卡也丢了", "residence_visa"),
        ("有会说中文的翻译吗？", "interpreting"),
        ("哪里有药店开门？", "pharmacy"),
        ("谢谢，我们都平安", None),
    ],
    "ko": [
        ("{area} 근처에서 식수를 받을 수 있는 곳이 있나요?", "water_food_distribution"),
        ("가장 가까운 대피소는 어디인가요?", "shelter_location"),
        ("정전은 언제 복구되나요?", "utilities_outage"),
        ("한국어 통역이 가능한 창구가 있나요?", "interpreting"),
        ("버스는 {time} 운행하나요?", "bus_service"),
        ("감사합니다. 모두 무사합니다", None),
    ],
    "vi": [
        ("Ở {area} có chỗ nào phát nước uống không?", "water_food_distribution"),
        ("Nơi sơ tán gần nhất ở đâu?", "shelter_location"),
        ("Khi nào có điện trở lại?", "utilities_outage"),
        ("Tôi bị mất thẻ cư trú, phải làm sao với visa?", "residence_visa"),
        ("Có phiên dịch tiếng Việt không?", "interpreting"),
        ("Tôi mất việc làm, có được hỗ trợ không?", "employment"),
        ("Cảm ơn, chúng tôi vẫn ổn", None),
    ],
    "pt": [
        ("Onde posso pegar água potável perto de {area}?", "water_food_distribution"),
        ("Onde fica o abrigo mais próximo?", "shelter_location"),
        ("Quando volta a energia elétrica?", "utilities_outage"),
        ("Preciso de um intérprete que fale português", "interpreting"),
        ("Obrigado, estamos bem", None),
    ],
    "es": [
        ("¿Dónde puedo conseguir agua potable cerca de {area}?", "water_food_distribution"),
        ("¿Dónde está el refugio más cercano?", "shelter_location"),
        ("¿Cuándo vuelve la luz?", "utilities_outage"),
        ("¿Hay algún intérprete que hable español?", "interpreting"),
        ("Gracias, estamos bien", None),
    ],
    "tl": [
        ("Saan po may tubig at pagkain malapit sa {area}?", "water_food_distribution"),
        ("Saan ang pinakamalapit na evacuation center?", "shelter_location"),
        ("Salamat po, ligtas kami", None),
    ],
    "id": [
        ("Di mana bisa dapat air minum dekat {area}?", "water_food_distribution"),
        ("Apakah ada makanan halal di pengungsian?", "halal_vegetarian"),
        ("Terima kasih, kami baik-baik saja", None),
    ],
    "ne": [
        ("{area} नजिक खानेपानी कहाँ पाइन्छ?", "water_food_distribution"),
        ("धन्यवाद, हामी सुरक्षित छौं", None),
    ],
}
# How often each language comes (per 100 messages).
LANGUAGE_SHARE = {
    "ja": 62, "ja-easy": 3, "en": 10, "zh": 6, "ko": 5, "vi": 5,
    "pt": 3, "es": 3, "tl": 1, "id": 1, "ne": 1,
}  # fmt: skip
OPENERS = {
    "ja": ["", "すみません、", "こんにちは。", "質問です。", "{place}{area}に住んでいます。"],
    "ja-easy": ["", "すみません。", "{area}に います。"],
    "en": ["", "Hi, ", "Hello. ", "Excuse me, ", "I live in {place}. "],
    "zh": ["", "你好，", "请问，", "我住在{place}。"],
    "ko": ["", "안녕하세요. ", "질문이 있습니다. ", "{place}에 살고 있습니다. "],
    "vi": ["", "Xin chào, ", "Cho tôi hỏi, ", "Tôi sống ở {place}. "],
    "pt": ["", "Olá, ", "Boa tarde. ", "Moro em {place}. "],
    "es": ["", "Hola, ", "Buenas. ", "Vivo en {place}. "],
    "tl": ["", "Magandang araw po. ", "Nasa {place} po kami. "],
    "id": ["", "Halo, ", "Permisi, ", "Saya tinggal di {place}. "],
    "ne": ["", "नमस्ते, ", "म {place} मा बस्छु। "],
}
CLOSERS = {
    "ja": [
        "",
        "よろしくお願いします。",
        "教えてください。",
        "（高齢の母と二人です）",
        "急ぎません。",
    ],
    "ja-easy": ["", "おしえて ください。", "ありがとう。"],
    "en": ["", " Thanks.", " Please let me know.", " We are two adults and a child."],
    "zh": ["", "谢谢。", "麻烦告诉我。", "我们一家三口。"],
    "ko": ["", " 감사합니다.", " 알려 주세요.", " 가족 세 명입니다."],
    "vi": ["", " Cảm ơn.", " Xin hãy cho tôi biết.", " Nhà tôi có ba người."],
    "pt": ["", " Obrigado.", " Por favor, me avise.", " Somos três pessoas."],
    "es": ["", " Gracias.", " Por favor, avíseme.", " Somos tres personas."],
    "tl": ["", " Salamat po.", " Pakisabi po."],
    "id": ["", " Terima kasih.", " Mohon infonya."],
    "ne": ["", " धन्यवाद।", " कृपया भन्नुहोस्।"],
}
TIMES = {
    "ja": ["今日", "明日", "今夜", "明日の朝", "週末"],
    "en": ["today", "tomorrow", "tonight", "this weekend"],
    "ko": ["오늘", "내일"],
}


def _topic_playbook(
    playbook_id: str, category: str, keywords: dict[str, list[str]]
) -> PlaybookContent:
    answers = {
        language: f"{playbook_id}: {{municipality}}の案内をご覧ください。" for language in ("ja",)
    }
    for language in keywords:
        if language != "ja":
            answers[language] = f"{playbook_id} ({language}): see {{municipality}}."
    return PlaybookContent.model_validate(
        {
            "id": playbook_id,
            "title_ja": playbook_id,
            "categories": [category],
            "keywords": keywords,
            "answers": answers,
        }
    )


def build_library(
    shipped: Sequence[PlaybookContent], size: int = LIBRARY_SIZE
) -> list[PlaybookContent]:
    """The shipped playbooks, the topics above, then local variants up to `size`."""
    library = list(shipped)
    for playbook_id, (category, keywords) in TOPICS.items():
        library.append(_topic_playbook(playbook_id, category, keywords))
    by_id = {p.id: p for p in library}
    for municipality, area_1, area_2, slug, romaji in PLACES:
        for topic in LOCAL_TOPICS:
            if len(library) >= size:
                return library
            base = by_id[topic]
            keywords = {language: list(words) for language, words in base.keywords.items()}
            # The place's own words for it (not the bare place name: that would make a
            # water playbook answer every message that says where the sender lives).
            local = keywords.get("ja", [topic])[0]
            keywords["ja"] = [*keywords.get("ja", []), f"{area_1}の{local}", f"{area_2}の{local}"]
            keywords["en"] = [*keywords.get("en", []), f"{romaji} {topic.split('_')[0]}"]
            library.append(
                base.model_copy(
                    update={
                        "id": f"{topic}_{slug}",
                        "title_ja": f"{base.title_ja}({municipality})",
                        "keywords": keywords,
                    }
                )
            )
    return library


def build_messages(
    count: int, categories: dict[str, str], seed: int = SEED
) -> list[tuple[str, Assessment]]:
    """`count` distinct routine messages, each language its share (`LANGUAGE_SHARE`), with
    the assessment triage would give them, shuffled."""
    rng = random.Random(seed)
    seen: set[str] = set()
    found: list[tuple[str, Assessment]] = []
    total_share = sum(LANGUAGE_SHARE.values())
    for language, share in LANGUAGE_SHARE.items():
        quota = round(count * share / total_share)
        made = attempts = 0
        while made < quota and attempts < quota * 50:
            attempts += 1
            template, topic = rng.choice(MESSAGES[language])
            municipality, area_1, area_2, _, romaji = rng.choice(PLACES)
            base = "ja" if language.startswith("ja") else language
            fill = {
                "place": municipality if base in ("ja", "zh") else romaji,
                "area": rng.choice([area_1, area_2]) if base in ("ja", "zh") else romaji,
                "time": rng.choice(TIMES.get(base, TIMES["en"])),
            }
            opener = rng.choice(OPENERS.get(language, [""]))
            closer = rng.choice(CLOSERS.get(language, [""]))
            text = (opener + template + closer).format(**fill)
            if text in seen:
                continue
            seen.add(text)
            made += 1
            category = categories.get(topic, "information_other") if topic else "other"
            assessment = stored_assessment(
                priority="P3" if topic else "P4",
                category=category,
                language=language,
                urgent_probability=0.05,
            )
            found.append((text, assessment))
    rng.shuffle(found)
    return found


def indexed_per_second(
    messages: Sequence[tuple[str, Assessment]], index: LibraryIndex, *, warm: bool
) -> float:
    """One run of the prototype, as `matches_per_second`."""
    if not warm:
        started = time.perf_counter()
        for text, assessment in messages:
            index.match(assessment, text)
        return len(messages) / (time.perf_counter() - started)
    spent = 0.0
    for text, assessment in messages:
        normalize(text)
        started = time.perf_counter()
        index.match(assessment, text)
        spent += time.perf_counter() - started
    return len(messages) / spent


def matches_per_second(
    messages: Sequence[tuple[str, Assessment]], library: Sequence[PlaybookContent], *, warm: bool
) -> float:
    """One run: every message matched once against the library."""
    if not warm:
        started = time.perf_counter()
        for text, assessment in messages:
            match(assessment, text, library)
        return len(messages) / (time.perf_counter() - started)
    spent = 0.0
    for text, assessment in messages:
        normalize(text)
        started = time.perf_counter()
        match(assessment, text, library)
        spent += time.perf_counter() - started
    return len(messages) / spent


def profile(
    messages: Sequence[tuple[str, Assessment]], library: Sequence[PlaybookContent]
) -> list[dict[str, Any]]:
    """Where one cold run's time goes: the top functions by own time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for text, assessment in messages:
        match(assessment, text, library)
    profiler.disable()
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    total = sum(row[2] for row in stats.stats.values())  # type: ignore[attr-defined]
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)  # type: ignore[attr-defined]
    top = []
    for (filename, line, name), (_, calls, own, cumulative, _) in rows[:12]:
        top.append(
            {
                "function": f"{os.path.basename(filename)}:{line}({name})",
                "calls": calls,
                "own_share": round(own / total, 3),
                "cumulative_s": round(cumulative, 3),
            }
        )
    return top


def keyword_stats(library: Sequence[PlaybookContent]) -> dict[str, int]:
    words = [w for p in library for ws in p.keywords.values() for w in ws]
    return {"playbooks": len(library), "keywords": len(words), "distinct_keywords": len(set(words))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    shipped = default_playbooks()
    library = build_library(shipped)
    categories = {p.id: str(p.categories[0]) for p in library}
    messages = build_messages(args.messages, categories)
    matched = sum(match(a, t, library) is not None for t, a in messages)
    matched_shipped = sum(match(a, t, shipped) is not None for t, a in messages)
    started = time.perf_counter()
    index = LibraryIndex(library)
    index_build_ms = (time.perf_counter() - started) * 1000
    differing = sum(index.match(a, t) != match(a, t, library) for t, a in messages)
    indexed: dict[str, list[float]] = {"cold": [], "warm": []}

    results: dict[str, dict[str, list[float]]] = {
        name: {"cold": [], "warm": []} for name in ("library_200", "shipped_17")
    }
    for _ in range(args.runs):  # interleaved: the machine's noise falls on both alike
        for name, playbooks in (("library_200", library), ("shipped_17", shipped)):
            for mode in ("cold", "warm"):
                results[name][mode].append(
                    matches_per_second(messages, playbooks, warm=mode == "warm")
                )
        for mode, values in indexed.items():
            values.append(indexed_per_second(messages, index, warm=mode == "warm"))

    summary: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, pinned to cpu {cpu}, "
        f"Python {platform.python_version()}",
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "messages": len(messages),
        "languages": {
            lang: sum(a.language == lang for _, a in messages) for lang in LANGUAGE_SHARE
        },
        "matched_by_library_200": matched,
        "matched_by_shipped_17": matched_shipped,
        "library_200": keyword_stats(library),
        "shipped_17": keyword_stats(shipped),
        "runs": args.runs,
        "goal_per_second": GOAL_PER_SECOND,
    }
    for name, modes in results.items():
        for mode, values in modes.items():
            summary[f"{name}_{mode}_per_s_median"] = round(statistics.median(values))
            summary[f"{name}_{mode}_per_s_runs"] = [round(v) for v in values]
    for mode in ("cold", "warm"):
        summary[f"ratio_200_to_17_{mode}"] = round(
            summary[f"library_200_{mode}_per_s_median"]
            / summary[f"shipped_17_{mode}_per_s_median"],
            3,
        )
    summary["goal_met"] = summary["library_200_cold_per_s_median"] >= GOAL_PER_SECOND
    summary["prototype_indexed_200"] = {
        **{
            f"{mode}_per_s_{kind}": value
            for mode, values in indexed.items()
            for kind, value in (
                ("median", round(statistics.median(values))),
                ("runs", [round(v) for v in values]),
            )
        },
        "ratio_to_match_200_cold": round(
            statistics.median(indexed["cold"]) / summary["library_200_cold_per_s_median"], 2
        ),
        "index_build_ms": round(index_build_ms, 1),
        "results_differing_from_match": differing,
    }
    if args.profile or not summary["goal_met"]:
        summary["profile_library_200"] = profile(messages, library)
    print(json.dumps(summary, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
