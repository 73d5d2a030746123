"""Mapping of the public data sets' aspect labels onto the 15-id CX taxonomy, and the keyword rules
used to weakly label clauses of the sentiment corpora (which carry no aspects).
The tables are reproduced in models/<name>/MODEL_CARD.md."""

CATEGORY_IDS = ['price', 'quality', 'service_attitude', 'efficiency', 'resolution', 'logistics', 'network',
                'app_experience', 'account_security', 'marketing', 'after_sales', 'taste', 'environment',
                'policy', 'other']

# CCF BDCI 2018 car topics: everything about the vehicle itself is product quality.
CAR_MAP = {'动力': 'quality', '价格': 'price', '油耗': 'quality', '操控': 'quality', '舒适性': 'quality',
           '空间': 'quality', '安全性': 'quality', '内饰': 'quality', '外观': 'quality', '配置': 'quality'}

COSMETICS_MAP = {'包装': 'quality', '成分': 'quality', '尺寸': 'quality', '服务': 'service_attitude',
                 '功效': 'quality', '价格': 'price', '气味': 'quality', '使用体验': 'quality', '物流': 'logistics',
                 '新鲜度': 'quality', '真伪': 'quality', '整体': 'other', '其他': 'other'}

ASAP_MAP = {'location_traffic': 'environment', 'location_distance_from_business_district': 'environment',
            'location_easy_to_find': 'environment', 'service_wait_time': 'efficiency',
            'service_waiters_attitude': 'service_attitude', 'service_parking_convenience': 'environment',
            'service_serving_speed': 'efficiency', 'price_level': 'price', 'price_cost_effective': 'price',
            'price_discount': 'price', 'environment_decoration': 'environment', 'environment_noise': 'environment',
            'environment_space': 'environment', 'environment_cleaness': 'environment', 'dish_portion': 'taste',
            'dish_taste': 'taste', 'dish_look': 'taste', 'dish_recommendation': 'taste'}

# Ordered: the first category whose keywords match wins, so the more specific ones come first
# (送餐慢 is logistics, not efficiency; 退款 is after_sales, not price).
KEYWORDS = [
    ('account_security', ['账户', '账号', '冻结', '密码', '验证码', '盗刷', '被盗', '隐私', '泄露', '风控', '诈骗', '安全锁']),
    ('network', ['网络', '信号', '网速', '断网', '上网', '宽带', 'wifi', '4g', '5g', '掉线', '无线网']),
    ('app_experience', ['app', 'App', '软件', '系统', '界面', '闪退', '客户端', '小程序', 'bug', '死机', '页面', '卡顿', '登录', '网页']),
    ('marketing', ['推销', '广告', '营销', '骚扰', '促销', '套路', '诱导', '忽悠']),
    ('after_sales', ['售后', '退货', '退款', '换货', '保修', '维修', '退换', '三包', '返修', '退回']),
    ('logistics', ['快递', '物流', '送货', '配送', '送餐', '骑手', '送达', '发货', '到货', '派送', '顺丰', '送来', '送到', '外卖小哥', '送的', '送得', '包装']),
    ('service_attitude', ['态度', '服务员', '客服', '前台', '热情', '耐心', '礼貌', '爱答不理', '不耐烦', '服务']),
    ('efficiency', ['排队', '等了', '效率', '太慢', '很慢', '及时', '迅速', '拖了', '半天', '等待', '速度', '办理']),
    ('resolution', ['解决', '答复', '推诿', '踢皮球', '投诉', '没人管', '不了了之', '敷衍', '处理']),
    ('policy', ['规定', '政策', '规则', '条款', '合同', '不允许', '手续', '流程', '证明', '理赔', '押金', '限制']),
    ('price', ['价格', '价钱', '贵', '便宜', '性价比', '划算', '实惠', '收费', '费用', '手续费', '扣费', '话费', '优惠', '折扣', '涨价', '块钱', '不值', '物有所值', '价位']),
    ('taste', ['味道', '口味', '好吃', '难吃', '咸', '口感', '菜', '油腻', '分量', '份量', '饭', '肉', '汤', '辣', '香', '甜', '凉了']),
    ('environment', ['环境', '房间', '卫生', '干净', '设施', '装修', '隔音', '噪音', '空调', '床', '位置', '交通', '停车', '大堂', '网点', '营业厅', '热水', '早餐', '洗手间', '卫生间']),
    ('quality', ['质量', '做工', '材质', '面料', '正品', '假货', '耐用', '破损', '瑕疵', '效果', '屏幕', '电池', '续航', '性能', '质感', '褪色', '起球', '尺码', '用了', '好用', '难用']),
]


def weak_category(clause):
    low = clause.lower()
    for cat, words in KEYWORDS:
        if any(w.lower() in low for w in words):
            return cat
    return None
