import { Type } from 'typebox'

// Documentation only, like CardsPageSchema: the body is spliced from WeChat Pay's bytes, never
// serialized with this schema.
export const CardsAllSchema = Type.Object({
  data: Type.Array(Type.Ref('Card'), { description: 'Every card template, in WeChat Pay\'s order, each exactly as WeChat Pay sent it.' }),
  total_count: Type.Integer({ description: 'The number of card templates (总数量): the length of `data`.' })
}, { $id: 'CardsAll', additionalProperties: false, description: 'The whole list of card templates, read page by page from WeChat Pay.' })
