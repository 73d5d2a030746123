import { describe, expect, it } from 'vitest';
import { customerSegments, merchantReplySpans } from '../../src/nlp/merchant-reply.js';

const cut = (text: string) => merchantReplySpans(text).map((s) => text.slice(s.start, s.end));

describe('merchant replies inside review text', () => {
  it('finds a dated hotel reply and runs it to the end of the text', () => {
    const text = '隔音太差，一夜没睡好。宾馆反馈2008年8月13日：感谢您选择入住，对您此次入住的不愉快深表歉意。';
    expect(cut(text)).toEqual(['宾馆反馈2008年8月13日：感谢您选择入住，对您此次入住的不愉快深表歉意。']);
    expect(customerSegments(text)).toEqual([{ text: '隔音太差，一夜没睡好。', offset: 0 }]);
  });

  it('accepts spaced, full-width and traditional forms as stored', () => {
    expect(cut('房间小了点．宾馆反馈 2008年5月16日 ： 非常感谢')).toEqual(['宾馆反馈 2008年5月16日 ： 非常感谢']);
    expect(cut('早餐一般。酒店回覆２０２４年３月５日：謝謝您的建議')).toEqual(['酒店回覆２０２４年３月５日：謝謝您的建議']);
    expect(cut('发货太慢了 商家回复:亲，快递爆仓了哦')).toEqual(['商家回复:亲，快递爆仓了哦']);
    expect(cut('味道还行\u3000掌櫃回應\u3000：感謝光臨')).toEqual(['掌櫃回應\u3000：感謝光臨']);
  });

  it("stops at the customer's follow-up, whose text keeps its offset", () => {
    const text = '服务不错。宾馆反馈2008年7月4日：感谢您的认可！补充点评2008年7月20日：第二次入住，前台很热情。';
    const segs = customerSegments(text);
    expect(segs.map((s) => s.text)).toEqual(['服务不错。', '补充点评2008年7月20日：第二次入住，前台很热情。']);
    for (const s of segs) expect(text.slice(s.offset, s.offset + s.text.length)).toBe(s.text);
  });

  it('leaves customers reporting or judging a reply alone (no colon, or 客服)', () => {
    for (const text of ['投诉过去，客服回复说属于正常现象', '酒店回复很及时，问题也解决了', '我问客服，客服回复：没办法', '商家反馈的物流信息是错的']) {
      expect(cut(text)).toEqual([]);
      expect(customerSegments(text)).toEqual([{ text, offset: 0 }]);
    }
  });

  it('a text that is only a reply leaves no customer text', () => {
    expect(customerSegments('商家回复：感谢您的支持，欢迎再次光临！')).toEqual([]);
    expect(customerSegments('')).toEqual([{ text: '', offset: 0 }]);
  });
});

// Platforms print the reply label in other ways than review sites did: 商户回复 (a listing's merchant), 店铺回复, a
// label in brackets without a colon (【商家回复】), and an ISO date, in brackets or not (商家回复(2024-11-30)：). None was
// taken for a reply, so the merchant's praise of itself (我们的菜品口味一直很好) became the customer's.
describe('reply labels as platforms print them', () => {
  it.each([
    ['房间很脏。商户回复：尊敬的顾客，我们的房间每天打扫', '商户回复：尊敬的顾客，我们的房间每天打扫'],
    ['菜太咸了。【商家回复】亲，我们的菜品口味一直很好', '【商家回复】亲，我们的菜品口味一直很好'],
    ['菜太咸了。[商家回复]：亲，口味一直很好', '[商家回复]：亲，口味一直很好'],
    ['菜太咸了。店铺回复：亲，口味一直很好', '店铺回复：亲，口味一直很好'],
    ['菜太咸了。商家回复(2024-11-30)：亲，口味一直很好', '商家回复(2024-11-30)：亲，口味一直很好'],
    ['菜太咸了。商家回复 2024-11-30 10:01：亲，口味一直很好', '商家回复 2024-11-30 10:01：亲，口味一直很好'],
  ])('%s', (text, reply) => {
    expect(cut(text)).toEqual([reply]);
  });

  it('still not a customer judging a reply', () => {
    for (const text of ['店铺回复很快，态度也好', '门店回复说明天处理', '【吐槽】商家回复太慢']) expect(cut(text)).toEqual([]);
  });
});
