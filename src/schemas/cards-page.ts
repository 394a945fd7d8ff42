import { Type } from 'typebox'

// Documentation only: pages pass through byte for byte and are never serialized with these schemas,
// so every object allows properties WeChat Pay adds later. Each `$id` names a component of the
// OpenAPI document, so typed clients get `Card` and `CardsPage` by name.
const open = { additionalProperties: true }

const Brand = Type.Object({
  brand_id: Type.Optional(Type.String({ description: 'Brand ID (品牌ID).' })),
  display_name: Type.Optional(Type.String({ description: 'Brand display name (品牌展示名称).' }))
}, open)

const DateInformation = Type.Object({
  type: Type.Optional(Type.String({ description: 'Validity type (有效期类型), e.g. FIX_TIME_RANGE, PERMANENT.' })),
  available_begin_time: Type.Optional(Type.String({ description: 'Valid from (有效期开始时间), RFC 3339.' })),
  available_end_time: Type.Optional(Type.String({ description: 'Valid until (有效期结束时间), RFC 3339.' })),
  available_day_after_receive: Type.Optional(Type.Integer({ description: 'Days valid after receipt (领取后有效天数).' })),
  wait_days_after_receive: Type.Optional(Type.Integer({ description: 'Days before it takes effect (领取后几天生效).' }))
}, open)

const BalanceInformation = Type.Object({
  need_balance: Type.Optional(Type.Boolean({ description: 'Whether stored value is shown (是否展示储值).' })),
  balance_appid: Type.Optional(Type.String({ description: 'Mini program AppID of the balance page (储值小程序AppID).' })),
  balance_path: Type.Optional(Type.String({ description: 'Mini program path of the balance page (储值小程序路径).' })),
  balance_url: Type.Optional(Type.String({ description: 'Web page of the balance (储值网页链接).' }))
}, open)

const UserInformationForm = Type.Object({
  can_modify_after_activate: Type.Optional(Type.Boolean({ description: 'Editable after activation (激活后是否可修改).' })),
  common_field_list: Type.Optional(Type.Array(Type.String(), { description: 'Standard fields collected (通用字段列表).' })),
  custom_field_list: Type.Optional(Type.Unknown({ description: 'Custom fields collected (自定义字段列表).' })),
  additional_statement: Type.Optional(Type.Unknown({ description: 'Extra statement shown to members (附加说明).' }))
}, open)

export const CardSchema = Type.Object({
  card_id: Type.Optional(Type.String({ description: 'Card template ID (会员卡模板ID).' })),
  create_time: Type.Optional(Type.String({ description: 'Created at (创建时间), RFC 3339.' })),
  update_time: Type.Optional(Type.String({ description: 'Updated at (更新时间), RFC 3339.' })),
  remain_quantity: Type.Optional(Type.Integer({ description: 'Remaining stock (剩余库存).' })),
  status: Type.Optional(Type.String({ description: 'Review status (会员卡状态): NOT_APPROVE, APPROVE_FAIL, APPROVED, DELETED.' })),
  brand: Type.Optional(Brand),
  appid: Type.Optional(Type.String({ description: 'Official Account AppID (商户AppID).' })),
  logo_url: Type.Optional(Type.String({ description: 'Logo image URL (商户logo).' })),
  title: Type.Optional(Type.String({ description: 'Card title (会员卡标题).' })),
  background_picture_url: Type.Optional(Type.String({ description: 'Background image URL (会员卡背景图).' })),
  description: Type.Optional(Type.String({ description: 'Terms of use (使用说明).' })),
  service_phone: Type.Optional(Type.String({ description: 'Customer service phone (客服电话).' })),
  code_type: Type.Optional(Type.String({ description: 'Code display (code展示类型), e.g. BAR_CODE, QRCODE.' })),
  total_quantity: Type.Optional(Type.Integer({ description: 'Total stock (总库存).' })),
  date_information: Type.Optional(DateInformation),
  code_mode: Type.Optional(Type.String({ description: 'Code allocation (code分配类型), e.g. SYSTEM_ALLOCATE.' })),
  need_display_level: Type.Optional(Type.Boolean({ description: 'Whether the member level is shown (是否展示会员等级).' })),
  init_level: Type.Optional(Type.String({ description: 'Initial member level (初始会员等级).' })),
  out_request_no: Type.Optional(Type.String({ description: 'Merchant request number used at creation (商户请求单号).' })),
  balance_information: Type.Optional(BalanceInformation),
  user_information_form: Type.Optional(UserInformationForm)
}, { ...open, $id: 'Card', description: 'A member-card template (会员卡模板), exactly as WeChat Pay sent it.' })

export const CardsPageSchema = Type.Object({
  data: Type.Array(Type.Ref('Card'), { description: 'The card templates on this page (会员卡列表).' }),
  need_dynamic_code: Type.Optional(Type.Boolean({ description: 'Whether dynamic codes are on (是否启用动态码).' })),
  total_count: Type.Integer({ description: 'Total number of card templates (总数量).' }),
  offset: Type.Integer({ description: 'The page index (分页页码).' }),
  limit: Type.Integer({ description: 'The page size (分页大小).' })
}, { ...open, $id: 'CardsPage', description: 'One page of card templates: the verified bytes WeChat Pay sent, passed through untouched.' })
