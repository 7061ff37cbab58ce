"""`dialog init NAME --language zh` 生成的中文助手（`__NAME__` 会被替换成名字）。"""

DOMAIN = '''\
# __NAME__：由 `dialog init` 生成的助手。它知道的一切都在这个文件夹里：
#   domain.yml   意图（用户说什么）、槽位（记住什么）、回复（说什么）、全局行为；
#                本文件夹里直接放的每个 *.yml 都会合并进来
#   flows/       它引导的对话流程：状态和转移
#   tests/       对话测试：用户说的话，以及之后必须发生什么（`dialog test`）
# 改完后运行 `dialog validate __NAME__`，每个问题都会给出 文件:行:列。
version: "1"
language: zh                    # 决定基础模型，以及内置的"是/否"词表
flows: [flows]                  # 流程文件或文件夹，相对于本文件夹

settings:
  fallback_threshold: auto      # 置信度低于它就说"没听懂"；auto = 训练时选定
  session_timeout: 1800         # 多少秒没有消息后，对话重新开始
  max_attempts: 3               # 一个问题答错几次后走 on_failure

# ---------------------------------------------------------------------------- 意图
# 一句话的意思。分类模型用这些例句微调：每个意图给足例句（30 条以上更好），长短句、
# 口语、常见错别字都要有。行内标注给槽位赋值：我叫[李小龙](name) 会填入槽位 name。
intents:
  问候:
    examples: [你好, 您好, 在吗, 你好，在吗, 哈喽, 嗨, 早上好, 下午好, 晚上好, 有人吗, hi, hello]
  肯定:                         # 确认时的"是"（见 global: affirm）
    examples: [是的, 对, 对的, 好, 好的, 可以, 确认, 没问题, 是, 嗯嗯对, 行, 没错, 就这样]
  否定:                         # 确认时的"否"
    examples: [不是, 不对, 不, 不要, 不用了, 不行, 错了, 否, 不可以, 不是这样, 有问题, 不太对]
  取消:
    examples: [取消, 算了, 不办了, 停止, 退出, 取消吧, 我不想弄了, 不用了谢谢, 先不约了, 结束, 不要了, 撤销]
  转人工:                       # 把对话交给人工客服（global: handoff）
    examples: [转人工, 人工客服, 我要找人工, 帮我转人工服务, 找真人, 我要跟真人说话, 人工, 转接人工客服,
               有没有人工, 我要投诉找人工, 让客服跟我说, 叫个真人来]
  其他:                         # 这个助手不做的事：礼貌地接住
    examples: [今天天气怎么样, 明天会下雨吗, 给我讲个笑话, 你几岁了, 北京有什么好吃的,
               推荐一部电影, 帮我订一张去上海的机票, 股票会涨吗, 唱首歌吧, 一加一等于几, 你喜欢什么颜色]
  帮助:                         # 问助手能做什么（global: help）；"你是机器人吗"由框架直接回答（utter_bot_identity）
    examples: [帮助, 你能做什么, 你可以帮我干什么, 有什么功能, 怎么用, 你都会些啥, 我需要帮助, 求助,
               这里能办什么, 不会用, 你都能干啥, 你是智能客服吗]
  再见:                         # 启动 flows/goodbye.yml 里的流程：道别，结束对话
    examples: [再见, 拜拜, 好的，再见, 谢谢，拜拜, 先这样吧, 就这些了，谢谢你, 没有其他问题了, 下次再聊,
               谢谢你的帮助，再见, 回头见, 没别的事了, 谢谢再见, 好的拜拜, 问题解决了，谢谢]
  预约回电:                     # 启动 flows/callback.yml 里的流程
    examples: [我想预约回电, 请给我回个电话, 能让人给我打电话吗, 预约回电, 明天给我打电话, 安排客服联系我,
               请回电, 我要预约电话回访, 你们打给我吧, 帮我约个回电, 让工作人员打给我, 稍后给我回电话]
  提供信息:                     # 回答流程里的问题
    examples: ["[李小龙](name)", "我叫[张三](name)", "我是[王小明](name)", "姓名[赵丽](name)",
               "[陈建国](name)", "本人[刘芳](name)", 明天, 后天, 下周一, 周五, 三天后, 下周三]

# ---------------------------------------------------------------------------- 槽位
# 有类型的记忆。不符合类型的值会得到该槽位的 error 回复。
# 类型：text, integer, number, money, boolean, categorical, regex, date, phone, email, id_number。
slots:
  name:         {type: text, min_length: 2, max_length: 20, error: utter_invalid_name, pii: true, label: 姓名}
  callback_day: {type: date, min: today, max: +30d, error: utter_invalid_day, range_error: utter_day_out_of_range,
                 label: 回电日期}   # label：回复里怎么称呼它（"改哪一项？回电日期"）

# ---------------------------------------------------------------------------- 回复
# 助手说的话。可以写多个变体（随机选一个）；{槽位名} 插入槽位的值。
responses:
  utter_greet:
    - text: 您好！我可以帮您预约工作人员回电，直接告诉我就行。
  utter_help:
    - text: 我可以帮您预约回电。说"取消"可以结束当前事项，说"转人工"联系人工客服。
  utter_cancelled:
    - text: 好的，已取消。还有其他需要吗？
  utter_handoff:
    - text: 好的，正在为您转接人工客服，请稍候。
  utter_out_of_scope:
    - text: 抱歉，我目前只能帮您预约回电。
  utter_fallback:
    - text: 抱歉，我没太明白，能换个说法吗？
  utter_goodbye:
    - text: 感谢您的来电咨询，再见！
  utter_ask_stop_flow_callback:  # 预约回电进行中说"再见"时先问这句（flows/goodbye.yml）
    - text: 要取消这次回电预约吗？
  utter_ask_name:
    - text: 请问怎么称呼您？
  utter_invalid_name:
    - text: 姓名应为 2 到 20 个字，请重新输入。
  utter_ask_day:
    - text: 您希望哪天给您回电？
  utter_invalid_day:
    - text: 没听出是哪一天，可以说"明天"或"下周一"。
  utter_day_out_of_range:
    - text: 可以预约今天起 30 天内的任意一天，请问哪天方便？
  utter_confirm_callback:
    - text: "{callback_day} 给{name}回电，确认预约吗？"
      buttons: [{title: 确认, payload: /肯定}, {title: 不对, payload: /否定}]
  utter_callback_booked:
    - text: 预约成功！我们会在 {callback_day} 给{name}回电。

# ---------------------------------------------------------------------------- 动作
# 调用您的业务系统，在流程状态里用 `action:` 调用。webhook 收到对话槽位的 JSON，
# 可以回复 {"slots": {...}}。例如：
# actions:
#   book_callback:
#     type: webhook
#     url: ${CALLBACK_API:-http://127.0.0.1:5055}/callbacks
#     sets: [booking_id]

# ---------------------------------------------------------------------------- 全局行为
# 对话中任何时候都有效。中文助手的确认靠 肯定/否定 两个意图（英文用 affirm/deny）。
global:
  greet:        {intent: 问候, response: utter_greet}
  cancel:       {intent: 取消, response: utter_cancelled}
  help:         {intent: 帮助, response: utter_help}
  handoff:      {intent: 转人工, response: utter_handoff}
  out_of_scope: {intent: 其他, response: utter_out_of_scope}
  fallback:     {response: utter_fallback}
  affirm:       {intent: 肯定}
  deny:         {intent: 否定}
'''

FLOW = '''\
# 流程是一个状态机：每个状态有一个步骤（say、collect、confirm、action、handoff、link、end），
# 并说明下一步去哪里。`dialog graph __NAME__` 可以把它画出来。
flows:
  callback:
    description: 预约工作人员回电
    trigger: 预约回电                   # 启动它的意图
    states:
      ask_name:                         # 第一个状态就是起点
        collect: name                   # 用 utter_ask_name 询问，直到拿到合法的姓名
        prompt: utter_ask_name
        on_failure: to_agent            # 答错 settings.max_attempts 次之后
        next: ask_day
      ask_day:
        collect: callback_day
        prompt: utter_ask_day
        on_failure: to_agent
        next: confirm
      confirm:
        confirm: utter_confirm_callback # 只接受明确的"是"或"否"
        on_yes: booked                  # 真实的助手会在这里调用一个动作
        on_no: ask_what_to_change       # 内置：问改哪一项，只重新收集那一项，再确认
      booked:
        say: utter_callback_booked
        next: END                       # 流程结束，它的槽位随之清空
      to_agent:
        handoff: utter_handoff
'''

TESTS = '''\
# 对话测试：每一步是用户说的话，以及之后必须发生什么。用 `dialog test __NAME__` 运行
# （使用训练好的模型）。可写的检查项（都可省略）：
#   intent: 最可能的意图        bot: 按顺序列出全部回复（回复名或完整原文）
#   flow / state: 当前流程和状态  slots: {槽位: 值}，null 表示没有值
#   handoff: true               end: true 表示已没有进行中的流程
tests:
  预约回电成功:
    steps:
      - user: 你好
        intent: 问候
        bot: [utter_greet]
      - user: 我想预约回电
        intent: 预约回电
        bot: [utter_ask_name]
        flow: callback
        state: ask_name
      - user: 我叫张三
        slots: {name: 张三}
        bot: [utter_ask_day]
      - user: 明天
        bot: [utter_confirm_callback]
        state: confirm
      - user: 是的
        bot: [utter_callback_booked]
        end: true

  确认前改姓名:
    steps:
      - user: 请给我回个电话
        bot: [utter_ask_name]
      - user: 李小龙
        bot: [utter_ask_day]
      - user: 明天
        bot: [utter_confirm_callback]
      - user: 不对
        bot: [utter_ask_what_to_change]
      - user: 姓名
        bot: [utter_ask_name]
      - user: 王小明
        slots: {name: 王小明}
        bot: [utter_confirm_callback]
      - user: 确认
        bot: [utter_callback_booked]
        end: true

  中途取消:
    steps:
      - user: 我想预约回电
        bot: [utter_ask_name]
      - user: 取消
        intent: 取消
        bot: [utter_cancelled]
        end: true

  转人工:
    steps:
      - user: 转人工
        intent: 转人工
        bot: [utter_handoff]
        handoff: true

  问能做什么:
    steps:
      - user: 你能做什么
        intent: 帮助
        bot: [utter_help]

  问是不是机器人:
    steps:
      - user: 你是机器人吗
        bot: [utter_bot_identity]

  道别:
    steps:
      - user: 再见
        intent: 再见
        bot: [utter_goodbye]
        end: true

  预约中途说再见先问是否取消:
    steps:
      - user: 我想预约回电
        bot: [utter_ask_name]
      - user: 谢谢再见
        state: ask_name
        bot: [utter_ask_stop_flow_callback]
      - user: 是的
        bot: [utter_goodbye]
        end: true

  说明做不了的事:
    steps:
      - user: 给我讲个笑话
        intent: 其他
        bot: [utter_out_of_scope]
'''

README = '''\
# __NAME__

由 `dialog init` 生成的助手：帮用户预约工作人员回电，并且已经会处理问候、肯定和否定、
取消、转人工、帮助（“你能做什么”；“你是机器人吗”由框架直接回答）、道别，以及超出范围的问题。

| 文件 | 内容 |
|---|---|
| `domain.yml` | 意图和例句、槽位、回复、全局行为（每部分都有注释说明） |
| `flows/callback.yml` | `callback` 流程：姓名、日期、确认 |
| `flows/goodbye.yml` | `goodbye` 流程：道别并结束对话；预约回电进行中说"再见"，会先问是否取消 |
| `tests/conversations.yml` | 对话测试：用户说的话，以及之后必须发生什么 |

## 试一试

```bash
dialog validate __NAME__          # 每个问题都给出 文件:行:列
dialog train __NAME__             # 微调意图分类模型，保存到 models/__NAME__/
dialog test __NAME__              # 用这个模型运行 tests/*.yml
dialog shell __NAME__             # 在终端里对话；/debug 显示意图、置信度和槽位
dialog serve __NAME__             # 通过 HTTP 提供服务
```

## 改成您自己的

1. 在 `domain.yml` 里加一个意图，多写例句（30 条以上更好）。
2. 在 `flows/` 里加一个由这个意图启动的流程；`dialog graph __NAME__` 会把它画出来。
3. 在 `tests/` 里为对话的每种走向写一个测试，训练后运行 `dialog test`。
'''

GOODBYE_FLOW = '''\
# 道别。ends_conversation: true 表示它结束整个对话：别的流程正在等回答时（问姓名时说"谢谢再见"），
# 先问 utter_ask_stop_flow_callback。答"是"：取消那个流程，再道别；答"否"：重问刚才的问题；
# 说别的：当作对那个问题的回答。
flows:
  goodbye:
    description: 道别
    trigger: 再见
    ends_conversation: true
    states:
      bye:
        end: utter_goodbye              # 说完道别语，流程结束
'''

FILES = {"domain.yml": DOMAIN, "flows/callback.yml": FLOW, "flows/goodbye.yml": GOODBYE_FLOW,
         "tests/conversations.yml": TESTS, "README.md": README}
