import { createHmac } from 'node:crypto';
import { normalizeText } from './normalize.js';
import { numeralsToDigits, spokenDigitRuns, spokenWindow } from './spoken-digits.js';
import type { PiiPolicy, PiiType } from './types.js';

/**
 * What detection finds: the spine's PiiType (numbers and e-mails) plus the kinds found by words around
 * them: WeChat/QQ ids, street addresses down to the flat, and personal names after a self-introduction.
 * (Kept here rather than in types.ts, which only the spine's contract needs; nothing outside src/nlp
 * reads an entity's type.)
 */
export type PiiKind = PiiType | 'wechat' | 'qq' | 'address' | 'name';
export interface PiiSpan {
  type: PiiKind;
  start: number;
  end: number;
}
/** A span as masking needs it: `bearer` when the value is a secret that whoever holds it can use (a card's 卡密 or
 * PIN), hidden whole, not a number of which a few digits may show. */
interface MaskSpan extends PiiSpan {
  bearer?: boolean;
}

/*
 * PII detection for the ingest path. Every candidate is validated (check digits, birth dates, number
 * ranges) and then vetoed by context, because customer feedback is full of look-alikes: order and
 * tracking numbers, contract and batch numbers that happen to be ID-shaped, amounts, dates and versions.
 */

// Full-width digits/letters/punctuation are common in pasted text; masking reads values through a
// same-length half-width copy so offsets stay valid for the original.
function halfWidth(text: string): string {
  return text.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

/** Hyphens and dashes other than "-" (U+2010-2015, minus sign, small hyphen) that join number groups. */
const DASHES = /[\u2010-\u2015\u2212\ufe58\ufe63]/g;

/** halfWidth plus every whitespace character (NBSP, thin space, tab…) as a space and every dash as
 * "-": still one character for one. */
function folded(text: string): string {
  return halfWidth(text).replace(/\s/g, ' ').replace(DASHES, '-');
}

/**
 * The text detection reads, with the range of the original each of its UTF-16 units came from. It is
 * what the analyzer reads (normalizeText): invisible characters (zero-width space, soft hyphen, bidi
 * marks) dropped, any whitespace run (NBSP, thin space, tab) one space, half-width, and simplified
 * script one character for one, plus dashes folded to "-". Masking the original only where detection
 * on this copy finds something is what keeps normalizedText, which is rebuilt from the masked original
 * the same way, from joining 138\u200b1234\u200b5678 back into a clean number; and the simplified script
 * lets the labels, surnames and address words, which are written in simplified characters, read
 * traditional text (身份證號, 電話, 收貨人張小明, 台北市…２號５樓).
 */
function detectionCopy(text: string): { t: string; origStart: number[]; origEnd: number[] } {
  const n = normalizeText(text);
  return { t: n.text.replace(DASHES, '-').replace(MIDDLE_DOT, '.'), origStart: n.origStart, origEnd: n.origEnd };
}

/** A middle dot between digits (138·1234·5678, typed with the Chinese keyboard's 间隔号 key, or ・ and • pasted) groups a
 * number as a dot does; one for one, so offsets stay. */
const MIDDLE_DOT = /(?<=[0-9])[\u00b7\u30fb\u2022\u2027\u22c5\uff65](?=[0-9])/g;

/**
 * A hash token as the `hash` policy writes it: `[type:8 hex]` from before per-tenant keys, `[type:16 hex]`
 * since; the type is group 1. The one definition for every reader of masked text: detection (masked text
 * masked again is unchanged), the clause splitter (a token is a noun, not punctuation) and ingest's
 * comparison of re-sends with documents stored under the older tokens. Build a RegExp with the flags needed.
 */
export const HASH_TOKEN_SOURCE = String.raw`\[(phone|landline|id_card|bank_card|email|wechat|qq|address|name):(?:[0-9a-f]{16}|[0-9a-f]{8})\]`;
const HASH_TOKEN = new RegExp(HASH_TOKEN_SOURCE, 'g');

const digitsOf = (s: string) => s.replace(/\D/g, '');

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return digits.length > 0 && sum % 10 === 0;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';
// first two digits of mainland resident ID numbers (province-level codes)
const PROVINCES = new Set([11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83]);

/** Region and birth date of a resident ID number: 18 characters (YYYYMMDD) or the first-generation
 * 15 digits (YYMMDD in the 1900s, no check digit). The check digit is not looked at. */
export function idStructureValid(id: string, now = new Date()): boolean {
  const long = /^\d{17}[\dXx]$/.test(id);
  if (!long && !/^\d{15}$/.test(id)) return false;
  if (!PROVINCES.has(Number(id.slice(0, 2))) || id.slice(2, 6) === '0000') return false;
  const y = long ? Number(id.slice(6, 10)) : 1900 + Number(id.slice(6, 8));
  const md = long ? id.slice(10, 14) : id.slice(8, 12);
  const m = Number(md.slice(0, 2));
  const d = Number(md.slice(2, 4));
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || birth.getUTCFullYear() !== y || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d) return false;
  return birth.getTime() <= now.getTime();
}

export function idCardValid(id: string, now = new Date()): boolean {
  if (!/^\d{17}[\dXx]$/.test(id) || !idStructureValid(id, now)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (id.charCodeAt(i) - 48) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11] === id[17]!.toUpperCase();
}

/** Identifier labels: a number right after one of these is a business key, not personal data. A barcode (条码,
 * EAN-13 starting 69), an airline ticket (票号, 客票: 999…, 324…), a bank's reference or voucher number and a
 * merchant's or POS terminal's number start with a card's digit and pass Luhn one time in ten. So do the keys a
 * support conversation is about, often written without 号: an after-sales, refund, return, repair, complaint or
 * claim ticket (售后单, 退款单, 维修单, 投诉单, 理赔单, 赔案号), a parcel (快递单, 物流单, 包裹号, 取件码: 快递 alone keeps only a number right after it) or a
 * payment slip (交易单, 缴费单, 提现单). The label must introduce the number (vetoedByContext): 退款单说退到卡号… is
 * a card. */
const NOT_PII_LABEL =
  /(订单|单号|编号|流水|批次|代码|编码|券码|兑换码|优惠码|会员|工单|运单|快递|发票|保单|合同|受理|申请号|序列号|型号|车牌|房号|房间号|邮编|交易号|账单号|商品|货号|批号|案件号|报案号|条形码|条码|票号|客票|参考号|凭证号|回执号|商户号|终端号|(?:售后|服务|退款|退货|换货|维修|报修|投诉|理赔|快递|物流|交易|支付|付款|缴费|提现|充值|申请|预约)单|赔案号|理赔号|包裹号|物流号|快件号|追踪号|跟踪号|取件码|提货码|核销码|预约号|预约码|服务请求号|ticket|order|no\.)/i;
/** Labels naming a party, not a number: they introduce a business key only as 会员号…/快递单号…, while
 * "给快递13812345678打电话" and "会员13812345678" give that party's phone. Only a mobile: after 快递 a
 * longer number is the parcel's tracking number (韵达快递4312870395618, 申通快递 5531038627294), which
 * passes Luhn one time in ten and would be taken for a card. */
const PARTY_LABEL = /(会员|快递|商品)$/;
/** Labels that make a following number personal even when an identifier label appears earlier. */
const PII_LABEL = /(电话|手机|号码|卡号|银行卡|信用卡|储蓄卡|工资卡|借记卡|身份证|证件|座机|联系|机主|手机号|打到|尾号)/;

/** A label right before a number that says it is a card or bank account number (卡号, 我的信用卡是, 尾号,
 * 付款的卡是), also by a bank's short name (工行卡, 招行卡). */
const CARD_LABEL = /((?:的|这张|那张|绑定|[工建农中招交]行)卡|卡号|银行卡|信用卡|储蓄卡|借记卡|工资卡|扣款卡|账号|帐号|账户|帐户|尾号)(号码|号)?[:：是为\s]*$/;

/** A label before a number that says it is an ID number (身份证, 证件号, 身份证号码是). */
const ID_LABEL = /(身份证|证件|身份号|公民身份)/;

/** The few characters before a number up to the previous clause boundary. */
function leftContext(text: string, start: number): string {
  const from = Math.max(0, start - 12);
  const win = text.slice(from, start);
  const cut = Math.max(...[...'，,。；;！!？?\n、'].map((c) => win.lastIndexOf(c)));
  return cut >= 0 ? win.slice(cut + 1) : win;
}

/** A label right before a number that says it is a telephone number (座机：, 联系电话, tel). */
const LANDLINE_LABEL = /(电话|座机|固话|固定电话|联系方式|号码|tel|phone)[号码:：是为\s]*$/i;

/** Digits of the area code in an unseparated landline: 010 and 02x take 8-digit numbers, 0xxx take 7 or 8. */
function landlineAreaLength(run: string): number {
  if (/^0(10|2\d)/.test(run)) return run.length === 11 ? 3 : 0;
  return /^0[3-9]\d{2}/.test(run) ? 4 : 0;
}

/** An identifier label introducing the number right after it: "ID"/"No." between the label and the number
 * belongs to the label (订单ID…, 会员No.…). */
const NOT_PII_LABEL_BEFORE = new RegExp(NOT_PII_LABEL.source + '(?:[号码:：是为#\\s]|id|no\\.?)*$', 'i');

/**
 * A device's serial number right before the number: IMEI (IMEI1/IMEI2 on dual-SIM phones), MEID, ESN, ICCID,
 * SN or S/N, 串号/串码, 序列号, 机身码, 设备号, 机器码. What follows is no personal data whatever its shape: it
 * names a product, like an order or tracking number, and a support conversation needs it readable. An IMEI is
 * Luhn-valid by design and an 18-digit MEID can read as an ID number, so without this they were masked. The
 * label must introduce this very number (only separators, 是 or 为 between). A letter before SN or IMEI makes
 * another word (ESN is listed, VSN is not).
 */
const DEVICE_SERIAL_BEFORE =
  /(?:(?<![A-Za-z])(?:imei[12]?|meid|esn|iccid|sn|s\/n)|串号|串码|序列号|机身码|机身号|设备号|设备码|设备识别码|机器码)(?:\s?(?:号码|号|码|id))?[:：是为#\s]*$/i;
/**
 * A SIM card or a phone's card slot right before the number (SIM卡号, sim卡的卡号, 卡槽1, 卡槽二): the card's
 * ICCID follows, which is no personal data. Only a mobile number stays personal here: it is the line's number,
 * which customers write after 卡槽 or SIM卡 too (副卡槽13912345678收不到短信).
 */
const SIM_BEFORE = /(?:(?<![A-Za-z])sim卡?|卡槽[12一二]?)(?:的)?(?:\s?(?:卡号|号码|号|串号))?[:：是为#\s]*$/i;

function vetoedByContext(text: string, start: number, mobile = false): boolean {
  const ctx = leftContext(text, start);
  if (DEVICE_SERIAL_BEFORE.test(ctx) || (!mobile && SIM_BEFORE.test(ctx))) return true;
  // the identifier label has to introduce this very number (订单号：…, 合同编号…), not merely occur
  // nearby: "快递员打138…" names a courier, not a tracking number
  const m = NOT_PII_LABEL_BEFORE.exec(ctx);
  if (!m) return false;
  if (mobile && PARTY_LABEL.test(m[1]!) && m[0].slice(m[1]!.length).trim() === '') return false;
  const neg = ctx.search(NOT_PII_LABEL);
  return !PII_LABEL.test(ctx.slice(neg).replace(BUSINESS_NUMBER_WORD, ''));
}

/** An identifier label and 号码 (订单号码, 工单号码, 快递单号码): the 号码 is the label's, not a phone's. */
const BUSINESS_NUMBER_WORD = new RegExp(NOT_PII_LABEL.source + '单?号码', 'gi');

interface Candidate extends MaskSpan {
  /** higher wins when candidates overlap */
  rank: number;
}

/**
 * Latin words that name a contact or an ID when typed straight before the number, with no space
 * (Tel13812345678, vx13812345678, 加v13812345678, ID110105…, QQ12345678). Whole words only: letters
 * before them (hotel, UUID, SKUID) make a code, and any other letters glued to a number (DD13812345678,
 * SF1234567890123, JD…, model numbers) still make it an order, tracking or product code that stays.
 */
const LATIN_LABEL = /(?<![A-Za-z])(?:tel|phone|mobile|mob|cell|cellphone|whatsapp|wx|vx|v|weixin|wechat|qq|id|idcard|sfz|card)$/i;
/** A label saying the number right after it is personal (手机号码是…, 电话：…), so a letter typed after
 * the number (手机号码是13812345678a) is a slip, not the rest of a code. */
const PERSONAL_LABEL_RIGHT_BEFORE = /(电话|手机|手机号|号码|联系方式|座机|身份证|证件|卡号|微信|tel|phone|mobile)[号码:：是为\s]*$/i;

/** A number must not continue into letters/digits/decimal points/masks on either side. */
function isolated(text: string, start: number, end: number): boolean {
  const before = text[start - 1] ?? '';
  const before2 = text[start - 2] ?? '';
  const after = text[end] ?? '';
  const after2 = text[end + 1] ?? '';
  const latinLabel = /[A-Za-z]/.test(before) && LATIN_LABEL.test(text.slice(Math.max(0, start - 12), start));
  const slip = /[A-Za-z]/.test(after) && (latinLabel || PERSONAL_LABEL_RIGHT_BEFORE.test(leftContext(text, start)));
  if ((/[0-9A-Za-z*_]/.test(before) && !latinLabel) || (/[0-9A-Za-z*_%]/.test(after) && !slip)) return false;
  // A number glued to another by "/" or "," is part of a date, fraction or grouped amount (2024/05/06,
  // 1,380,000) unless the other side is itself a whole identifier ("13812345678/13987654321" lists two
  // phones); after a comma only a three-digit group continues the number ("13812345678,2号楼" does not).
  // The other side may be written in groups too (138 1234 5678/139 8765 4321): its digits and the single
  // spaces or dashes between them, seven digits or more.
  const listed = (run: string) => digitsOf(run).length >= 7;
  const runBefore = /\d+(?:[ -]\d+)*$/.exec(text.slice(Math.max(0, start - 25), Math.max(0, start - 1)))?.[0] ?? '';
  const groupsAfter = /^\d+(?:[ -]\d+)*/.exec(text.slice(end + 1, end + 26))?.[0] ?? '';
  const runAfter = /^\d+/.exec(groupsAfter)?.[0] ?? '';
  if ((before === '.' || before === '-' || before === ':') && /[0-9]/.test(before2)) return false;
  if ((before === '/' || before === ',') && /[0-9]/.test(before2) && !listed(runBefore)) return false;
  if ((after === '.' || after === '-' || after === ':') && /[0-9]/.test(after2)) return false;
  if (after === '/' && /[0-9]/.test(after2) && !listed(groupsAfter)) return false;
  if (after === ',' && runAfter.length === 3 && !listed(groupsAfter)) return false;
  if (/[¥$￥]/.test(before) || before === '+' && !/86/.test(text.slice(start, start + 2))) return false;
  // quantities: a number followed by a currency or unit is an amount, not an identifier
  // (but 分机 is a phone extension and 天天 "every day": 手机13812345678天天被骚扰)
  if (/^\s?(元|块|万|亿|円|美元|港币|%|‰|gb|GB|mb|MB|kg|KG|件|次|笔|分(?!机)|秒|小时|天(?!天))/.test(text.slice(end, end + 3))) return false;
  if (/(人民币|金额|合计|共计|总计|余额)[:：]?\s?$/.test(text.slice(Math.max(0, start - 5), start))) return false;
  return true;
}

/**
 * Whether the number t[start, end) is part of a longer one written in groups: a digit group right before or
 * after it through one of `seps` (the separators the number itself uses). 6228 0571 4206 4233 holds no
 * landline 0571 4206 4233, 4201 0619 8301 0402 75 (an ID grouped in fours) none either, and 622262
 * 6430253380759 no card 6430253380759. A neighbour of seven digits or more is a number of its own (138 1234
 * 5678 139 8765 4321 lists two), and one of three digits or fewer that a Chinese character holds on its far
 * side belongs to that word (3单元502 138 1234 5678, 138 1234 5678 24小时开机). At most 16 characters are
 * read on either side.
 */
function partOfLonger(t: string, start: number, end: number, seps: string): boolean {
  const isSep = (c: string | undefined) => c !== undefined && c.length === 1 && seps.includes(c);
  const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
  const side = (p: number, dir: -1 | 1): boolean => {
    if (!isSep(t[p]) || !isDigit(t[p + dir])) return false;
    let digits = 0;
    let q = p + dir;
    for (let steps = 0; steps < 16 && digits < 7; steps++, q += dir) {
      if (isDigit(t[q])) digits++;
      else if (!(isSep(t[q]) && isDigit(t[q + dir]))) break;
    }
    if (digits >= 7) return false;
    return !(digits <= 3 && /[\u4e00-\u9fff]/.test(t[q] ?? ''));
  };
  return side(start - 1, -1) || side(end, 1);
}

/** The separators a number written as `s` uses between its groups (a plain number: space and dash). */
function separatorsOf(s: string): string {
  return s.includes('.') ? '.' : s.includes(',') ? ',' : ' -';
}

/** The parts of an address below the street, in the order they are written: 88号 (or 12号院), 4号楼 /
 * 5栋 / B座, 3单元, 12层 / 5楼, 502 / 1201室. */
const ADDRESS_PARTS: [string, RegExp][] = [
  ['house', /\d{1,5}号院?(?![楼线码机技])/y],
  ['building', /(?:[A-Za-z]|\d{1,3})(?:号楼|栋|幢|座)/y],
  ['unit', /\d{1,2}单元/y],
  // Taiwan writes the flat on a floor as 5樓之3
  ['floor', /\d{1,3}(?:层|楼)(?![梯道下上])(?:之\d{1,3})?/y],
  // not an amount or a size (19楼290元的房间, 3楼120平)
  ['room', /\d{2,5}(?:室|房|号)?(?![\d.:：\-元块万米平分秒个次件天人%])/y],
];

/**
 * Where an address starting at `start` ends, or 0 when what is there is no address. Two parts at least,
 * one of them below the house number: 建国路88号3单元502, 3号楼2单元501, 6栋12层1203; a house number
 * alone (人民路227号: a shop or an office as often as a home), a building alone (2号楼), a date (5号到货,
 * 3号15点) or a line (3号线) is not. After a bare house number a room needs its 室 (88号502室).
 */
function addressEnd(t: string, start: number): number {
  let pos = start;
  const seen: string[] = [];
  let roomMarked = false;
  for (const [part, re] of ADDRESS_PARTS) {
    re.lastIndex = pos;
    const m = re.exec(t);
    if (!m) continue;
    seen.push(part);
    if (part === 'room') roomMarked = /[室房]$/.test(m[0]);
    pos += m[0].length;
  }
  if (seen.length < 2) return 0;
  if (seen.length === 2 && seen[0] === 'house' && seen[1] === 'room' && !roomMarked) return 0;
  return pos;
}

/** Common surnames (about 310 single, 34 compound). Left out: characters that are far more often a word
 * right after 我是/本人 than a surname (和 都 来 全 国 明 原 海 时 费 修 …) and 第 (我是第一次). */
const SURNAMES_1 = new Set([...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫卜冷晏席卫米柏宗瞿桂佟臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝官封谈匡鞠惠荆冀郁胥南班储栗燕楚鄢谌奚皮粟冼蔺闻厉伊仝郜阚屠朴练廉禹漆卿狄晋扈晁芮浦戈伏鹿薄邸雍辜羊裘亓邰赫况逯茹诸慕']);
const SURNAMES_2 = new Set('欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 端木 独孤 南宫 西门 百里 呼延 澹台 万俟 闻人 赫连 申屠 钟离 宗政 濮阳 太史 公冶 拓跋 东郭 完颜'.split(' '));
/** Not part of a given name: function words and characters that continue a sentence (我叫王小明今年…). */
const NOT_GIVEN = new Set([...'的了是在有不也都就还和与跟给把被从到对用要想会能可很太最说问我你他她它们这那个次号年月日天元块今昨吗呢吧啊呀哦嗯哈打电话办买卡手机等']);
/** Right after a surname: a form of address, so 李先生 or 王经理 is no full name. */
const TITLE =
  /^(先生|女士|小姐|老师|师傅|经理|总|工|姐|哥|阿姨|叔|伯|老板|同学|医生|律师|太太|夫人|大爷|奶奶|爷爷|主任|科长|局长|处长|队长|警官|护士|大夫|教授|博士|总监|部长|校长|院长|书记|主管|助理|专员|客服|某|氏|家|生|师|董)/;
/** Words starting with a surname character that follow 我是/本人 as a role, a place or a brand. */
const NOT_NAME =
  /^(师傅|师父|高中|高一|高二|高三|高级|高端|高龄|金卡|金牌|金融|白金|白领|黄金|常客|常住|车主|华为|安卓|安徽|单身|单位|包月|包年|于是|马上|司机|程序|党员|房东|房主|商家|商户|管理|农民|居民|南方|江苏|江西|宁波|温州|苏州|武汉|成都|沈阳|郑州|钱包|余额|谢谢|周[一二三四五六日天末]|方便|任何|许多|关于|解决|符合|成功|卫生|查找|查询|查看|颜值)/;
/** What may follow a name without a pause: a function character (王小明今年…) or one of these. */
const FOLLOWS_NAME = /^(?:地址|身份|证件|联系|留|住|家住|今年|同志|先生|女士|本人)/;
/** A self-introduction that may as well be followed by a role (我是学生, 本人已…): the name must end there. */
const WEAK_NAME_LABEL = /^(?:我是|我就是|本人)$/;
/** After a weak label the name must be followed by the end of a clause or one of these. */
const AFTER_WEAK_NAME = /^(?:$|[\s，,。.！!？?；;：:、)）~～…]|想|要|请|来|在|打|问|咨询|反映|投诉|啊|呀)/;
/** Labels a name follows. 户名 (account name) is left out: the PII gold set does not label it. After 我姓X or
 * 免贵姓X and a comma the full name may follow without 叫 when it starts with that surname (免贵姓李，李文博). */
const NAME_LABELS =
  /(我叫|我名叫|名叫|名字是|名字叫|全名是?|(?:我|免贵)姓([\u4e00-\u9fff]{1,2})[，,\s]*(?:我?叫|名叫|(?=\2))|姓名|联系人|户主|收件人|收货人|持卡人|开户人|机主|入住人|投保人|被保险人|申请人|报案人|我是|我就是|本人)[:：\s]*(?:是|为)?[:：\s]*/g;

/** The end of the name that starts at `start` right after a name label, or 0 when there is none. */
function nameEnd(t: string, start: number, weak: boolean, verbLabel: boolean): number {
  const head = t.slice(start, start + 6);
  if (NOT_NAME.test(head)) return 0;
  const surnames = [SURNAMES_2.has(head.slice(0, 2)) ? 2 : 0, SURNAMES_1.has(head[0] ?? '') ? 1 : 0].filter((n) => n > 0);
  for (const sn of surnames) {
    // 我叫车 is calling a car
    if (verbLabel && head[0] === '车') continue;
    if (TITLE.test(head.slice(sn))) continue;
    for (let given = 2; given >= 1; given--) {
      const g = head.slice(sn, sn + given);
      if (g.length !== given || ![...g].every((c) => /[\u4e00-\u9fff]/.test(c) && !NOT_GIVEN.has(c))) continue;
      const end = start + sn + given;
      if (t[end] === '*') continue;
      if (weak && (!AFTER_WEAK_NAME.test(t.slice(end, end + 2)) || /[户员主家人长客工商族迷粉友者卡级控]$/.test(g))) continue;
      // a name does not run on into another word (名字是金山大酒店, 联系人项目中)
      const next = t[end] ?? '';
      if (/[\u4e00-\u9fff]/.test(next) && !NOT_GIVEN.has(next) && !FOLLOWS_NAME.test(t.slice(end, end + 2))) continue;
      return end;
    }
  }
  return 0;
}

/**
 * Every match of a global regex, where a match the caller refuses is tried again one character further
 * on: a refused 86 13912345678 inside 0086 13912345678 must not hide the number that follows it.
 */
function eachMatch(re: RegExp, t: string, accept: (m: RegExpExecArray) => boolean): void {
  re.lastIndex = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    if (!accept(m)) re.lastIndex = m.index + 1;
    else if (m[0].length === 0) re.lastIndex++;
  }
}

/** An e-mail address: read only with lastIndex set to where one can start (emailSpans). */
const EMAIL = /[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/y;
/** The characters of EMAIL's local part. */
const EMAIL_LOCAL = /[A-Za-z0-9._%+-]/;
const ALNUM = /[A-Za-z0-9]/;

/**
 * The spans a global search for EMAIL finds, without its cost: tried at every character, EMAIL reads the
 * whole run of local-part characters after it looking for an "@", which is quadratic in a long run of digits
 * or letters (20,000 digits took ~0.5 s). A match from anywhere in a run reaches the same "@" (the run cannot
 * hold one) and the same domain, so where a search would match is decided per "@": the first letter or digit
 * of the run before it, not before where the previous address ended, and EMAIL read there once.
 * Then the addresses written otherwise (looseEmail): an "@" with a Chinese full stop or 点 for a dot
 * (xx@163。com) or with spaces around it (xx @ 163.com), and the "@" spelled 艾特, (at), [at] or " at ".
 */
function emailSpans(t: string): [number, number][] {
  const spans: [number, number][] = [];
  let from = 0;
  for (let at = t.indexOf('@'); at >= 0; at = t.indexOf('@', at + 1)) {
    if (at < from) continue;
    let s = at;
    while (s > from && EMAIL_LOCAL.test(t[s - 1]!)) s--;
    while (s < at && !ALNUM.test(t[s]!)) s++;
    EMAIL.lastIndex = s;
    const m = s < at ? EMAIL.exec(t) : null;
    const span = m ? ([s, s + m[0].length] as [number, number]) : looseEmail(t, at, at + 1, from, false);
    if (!span) continue;
    from = span[1];
    spans.push(span);
  }
  for (const m of t.matchAll(SPELLED_AT)) {
    const span = looseEmail(t, m.index, m.index + m[0].length, 0, /at/i.test(m[0]) && m[0].startsWith(' '));
    if (span) spans.push(span);
  }
  return spans;
}

/** An "@" spelled out to dodge address scrapers. */
const SPELLED_AT = /艾特|\(at\)|\[at\]| at /gi;
/** The same, for a single search (no lastIndex to carry between calls). */
const SPELLED_AT_ONCE = new RegExp(SPELLED_AT.source, 'i');
/** An "@" however written, with the space around it (lower-cased text). */
const AT_WRITTEN = new RegExp(`\\s?(?:@|${SPELLED_AT.source})\\s?`);
/** After an "@" written so, the domain: labels, and between them ".", 。, 点, " dot ", (dot) or [dot]. */
const LOOSE_DOMAIN = /[A-Za-z0-9-]+(?:(?:[.。点]|\(dot\)|\[dot\]| dot )[A-Za-z0-9-]+)*/iy;
const LOOSE_DOT = /[.。点]|\(dot\)|\[dot\]| dot /i;
/** The top-level domains an address written without a plain "@" and "." must end in. */
const KNOWN_TLD = /^(?:com|cn|net|org|edu|gov|info|biz|io|me|cc|co|hk|tw|mo|jp|kr|sg|uk|us|de|fr|ca|au)$/i;
/** Mail providers: an "@" spelled " at " needs one of them, or the dot spelled too (" dot "), so that "looked
 * at google.com" in an English sentence is no address. */
const MAIL_PROVIDER = /^(?:qq|163|126|139|189|yeah|sina|sohu|foxmail|aliyun|gmail|outlook|hotmail|live|msn|yahoo|icloud|proton|protonmail)$/i;

/**
 * An address whose "@" is t[ms, me) but not written plainly: a local part right before (a space between
 * allowed, not before `from`), and right after (a space allowed) a domain that ends in a known top-level
 * domain, whatever dots it is written with. Each local part and domain is read once per "@": linear.
 */
function looseEmail(t: string, ms: number, me: number, from: number, spelledAt: boolean): [number, number] | null {
  if (t[ms - 1] === ' ' && ms - 1 > from) ms--;
  if (t[me] === ' ') me++;
  let s = ms;
  while (s > from && EMAIL_LOCAL.test(t[s - 1]!)) s--;
  while (s < ms && !ALNUM.test(t[s]!)) s++;
  if (s === ms) return null;
  LOOSE_DOMAIN.lastIndex = me;
  const d = LOOSE_DOMAIN.exec(t);
  if (!d) return null;
  const labels = d[0].split(new RegExp(LOOSE_DOT.source, 'gi'));
  if (labels.length < 2 || !KNOWN_TLD.test(labels[labels.length - 1]!)) return null;
  if (spelledAt && !MAIL_PROVIDER.test(labels[0]!) && !/ dot /i.test(d[0])) return null;
  return [s, me + d[0].length];
}

/** The index of the last of `spans` (sorted by start) that starts before `pos`, or -1. */
function lastStartingBefore(spans: readonly { start: number }[], pos: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (spans[mid]!.start < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** Whether any of `spans` overlaps [start, end): sorted once, then a binary search per question (the
 * largest end among the spans that start before `end` decides). */
function overlapTest(spans: readonly { start: number; end: number }[]): (start: number, end: number) => boolean {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const maxEnd: number[] = [];
  for (const o of sorted) maxEnd.push(Math.max(maxEnd[maxEnd.length - 1] ?? -Infinity, o.end));
  return (start, end) => {
    const i = lastStartingBefore(sorted, end);
    return i >= 0 && maxEnd[i]! > start;
  };
}

type AddCandidate = (type: PiiKind, start: number, end: number, rank: number, bearer?: boolean) => void;

/** The groupings of a mainland mobile (the 11 digits after any country code): plain; 3-4-4 with spaces or
 * dashes, mixed too (130-2874 6619), or with dots or commas, the same throughout (183.2645.1907,
 * 138，2047，6613); 3-8 (151 38620419); 7-4 (1893716 2250); 4-4-3 as some phones display numbers
 * (1367 2083 519). */
const MOBILE_SHAPE = /^(?:\d{11}|\d{3}[ -]\d{4}[ -]\d{4}|\d{3}([.,])\d{4}\1\d{4}|\d{3}[ -]\d{8}|\d{7}[ -]\d{4}|\d{4}[ -]\d{4}[ -]\d{3})$/;

/**
 * Landlines: an area code (010, 02x, 0xxx) and a 7-8 digit number, after a separator (" - " too) or in
 * brackets; with dots or commas only as area code and two groups, the same separator throughout
 * (027.8793.2614); after +86 or 0086, the area code without its 0 (+86 755 8261 4037). The country-code form
 * comes first: read from its "00", 0086 755 … would otherwise be taken for the area code 0086.
 */
const LANDLINE = /(?:\+|00)86[ -]?(?:10|2\d|[3-9]\d{2})[ -](?:\d{7,8}|\d{3,4}[ -]\d{4})|(?:\(0\d{2,3}\) ?|0\d{2,3}(?: - |[ -]))(?:\d{7,8}|\d{3,4}[ -]\d{4})|0\d{2,3}([.,])\d{3,4}\1\d{4}/g;

/** A SIM card's ICCID: 89 (telecommunications) and 86 (China), 19-20 digits in all. No payment card starts
 * with 8, so after a card label (流量卡卡号, 物联网卡号…) it is no card either. */
const ICCID_SHAPE = /^8986\d{15,16}$/;
/** An IMEI (15 digits, 14 without its check digit) or a decimal MEID from the ranges no card scheme issues at
 * that length: 35 (most phones' type allocation codes; JCB's 35 cards have 16 digits) and 99 (CDMA devices).
 * 86 and 01, the other common prefixes, never start a card. */
const IMEI_SHAPE = /^(?:35|99)\d{12,13}$/;

/** Phones, landlines, ID numbers and bank cards in `t`, as the rules below describe them. `maxDigits`: the
 * most digits a number may hold (a spoken run's count), to skip the rules that need more. */
function numberCandidates(t: string, add: AddCandidate, maxDigits = Infinity): void {
  // 18-digit resident ID numbers, plain or grouped 6-8-4 as printed on forms (110101 19900307 4514, also
  // with dots or commas, the same throughout); right after an ID label a wrong check digit is only a typo:
  // region and birth date are enough
  if (maxDigits >= 18) for (const m of t.matchAll(/\d{17}[\dXx]|\d{6}[ -]\d{8}[ -]\d{3}[\dXx]|\d{6}([.,])\d{8}\1\d{3}[\dXx]/g)) {
    const s = m.index!;
    const e = s + m[0].length;
    const id = m[0].replace(/[ .,-]/g, '');
    if (!isolated(t, s, e) || partOfLonger(t, s, e, separatorsOf(m[0])) || vetoedByContext(t, s)) continue;
    if (!idCardValid(id) && !(idStructureValid(id) && ID_LABEL.test(leftContext(t, s)))) continue;
    add('id_card', s, e, 4);
  }

  // first-generation 15-digit ID numbers: no check digit, so region and birth date decide
  if (maxDigits >= 15) for (const m of t.matchAll(/(?<!\d)\d{15}(?!\d)/g)) {
    const s = m.index!;
    const e = s + m[0].length;
    if (!isolated(t, s, e) || partOfLonger(t, s, e, ' -') || !idStructureValid(m[0]) || vetoedByContext(t, s)) continue;
    add('id_card', s, e, 4);
  }

  // bank cards: 13-19 digits, plain or in groups of 4 (with dots or commas: four groups and the rest, the
  // same separator throughout); IIN must be a payment-card one and Luhn must hold, unless a card or account
  // label introduces the number: then any 16-19 digits are a card (a typo in one digit still leaves the
  // others readable)
  if (maxDigits >= 13) for (const m of t.matchAll(/\d{4}(?:[ -]\d{4}){2,3}(?:[ -]\d{1,3})?|\d{4}([.,])\d{4}\1\d{4}\1\d{4}(?:\1\d{1,3})?|\d{13,19}/g)) {
    const s = m.index!;
    const e = s + m[0].length;
    const digits = digitsOf(m[0]);
    if (digits.length < 13 || digits.length > 19 || !isolated(t, s, e) || partOfLonger(t, s, e, separatorsOf(m[0]))) continue;
    if (ICCID_SHAPE.test(digits)) continue;
    const labeled = digits.length >= 16 && CARD_LABEL.test(leftContext(t, s));
    if (!labeled && (!/^[3-69]/.test(digits) || !luhnValid(digits) || IMEI_SHAPE.test(digits))) continue;
    if (vetoedByContext(t, s)) continue;
    add('bank_card', s, e, 3);
  }

  // ID numbers and cards in other groupings: the whole of a run of digit groups of two or more joined by
  // single spaces or dashes (IDs 4201 0619 8301 0402 75, 330 106 1969 0921 0809, 440305 1976 0228 1623;
  // cards 622262 6430253380759, 6217 0082 6591 6444008, 3776 774224 62671). The check must hold: an ID's
  // check digit with its region and birth date, a card's Luhn; and a card grouped so needs a card label
  // before it, unless it has the American Express shape (4-6-5, starting 34 or 37).
  if (maxDigits >= 13) for (const m of t.matchAll(/(?<!\d)\d+(?:[ -]\d+)+[Xx]?/g)) {
    const s = m.index!;
    const e = s + m[0].length;
    const groups = m[0].split(/[ -]/);
    if (groups.length > 8 || groups.some((g) => g.length < 2)) continue;
    const chars = groups.join('');
    if (chars.length < 13 || chars.length > 19 || !isolated(t, s, e) || vetoedByContext(t, s)) continue;
    if (chars.length === 18 && idCardValid(chars)) {
      add('id_card', s, e, 4);
      continue;
    }
    if (!/^\d+$/.test(chars) || !luhnValid(chars) || ICCID_SHAPE.test(chars)) continue;
    const amex = /^3[47]\d\d[ -]\d{6}[ -]\d{5}$/.test(m[0]);
    if (amex || CARD_LABEL.test(leftContext(t, s))) add('bank_card', s, e, 3);
  }

  // mainland mobiles, optionally +86 or 0086, in the groupings of MOBILE_SHAPE
  if (maxDigits >= 11) eachMatch(/(?:(?:\+|00)?86[ -]?)?1[3-9]\d(?:[ .,-]?\d){8}/g, t, (m) => {
    const s = m.index;
    const e = s + m[0].length;
    // a random run of digits and separators is no number: 138 1234 5678, 151 38620419, not 1381 23 45678;
    // a grouped one may be part of a longer grouped number (11 digits in one run end themselves: 3单元502
    // 13812345678)
    const local = m[0].replace(/^(?:\+|00)?86[ -]?(?=1)/, '');
    if (!MOBILE_SHAPE.test(local)) return false;
    // a dash and 1-5 digits right after a mobile written without dashes are its extension, as after a landline
    // (13812345678-1234, 138 1234 5678-806): it stays, and the mobile is read as if it ended there. Written
    // with dashes, four digits after are another group of one longer number (138-1234-5678-1234), but a shorter
    // group breaks the grouping and is an extension (138-1234-5678-806)
    const ext = /^-\d{1,5}(?![\d-])/.exec(t.slice(e, e + 7))?.[0] ?? '';
    if (!/^[\d ]+$/.test(local) && ext.length - 1 > 3) return false;
    const to = e + ext.length;
    if (!isolated(t, s, to) || (/\D/.test(local) && partOfLonger(t, s, to, separatorsOf(local))) || vetoedByContext(t, s, true)) return false;
    add('phone', s, e, 2);
    return true;
  });

  // landlines (LANDLINE); a dash and 1-5 digits right after a whole number are its extension, which is no
  // personal data and stays (0571-87310264-8023, 020-38762915-216转人工)
  if (maxDigits >= 7) for (const m of t.matchAll(LANDLINE)) {
    const s = m.index!;
    const e = s + m[0].length;
    const cc = /^(?:\+|00)86[ -]?/.exec(m[0])?.[0] ?? '';
    const body = m[0].slice(cc.length);
    const written = /^\(?(\d+)/.exec(body)![1]!;
    const area = cc ? '0' + written : written;
    const local = digitsOf(body.slice(body.indexOf(written) + written.length));
    if (!/^0[1-9]/.test(area) || !/^\d{7,8}$/.test(local)) continue;
    // 3-digit area codes are 010 and 02x; others are 4 digits
    if (area.length === 3 && !/^0(10|2\d)$/.test(area)) continue;
    if (/^[01]/.test(local)) continue;
    // the number after the area code: with no dash of its own (87310264, 5888 8888) a dash and digits after it are the
    // extension (021-5888 8888-123, (021)5888 8888-123), as after a mobile; written with dashes, four digits after are
    // another group of one longer number (0755-8261-4037-8001), a shorter group an extension (010-8888-6666-123)
    const number = body.slice(body.indexOf(written) + written.length).replace(/^(?:\) ?| - |[ -])/, '');
    const dashed = !/^[\d ]+$/.test(number);
    const ext = /^-\d{1,5}(?![\d-])/.exec(t.slice(e, e + 7))?.[0] ?? '';
    if (dashed && ext.length - 1 > 3) continue;
    const to = e + ext.length;
    if (!isolated(t, s, to) || partOfLonger(t, s, to, separatorsOf(body)) || vetoedByContext(t, s)) continue;
    add('landline', s, e, 1);
  }

  // landlines written as one run (座机075526543210): only right after a word saying it is a phone
  // number, because a bare 11-12 digit run starting with 0 is as often an order or account number
  if (maxDigits >= 11) for (const m of t.matchAll(/0\d{10,11}/g)) {
    const s = m.index!;
    const e = s + m[0].length;
    const area = landlineAreaLength(m[0]);
    if (area === 0 || !/^[2-9]\d{6,7}$/.test(m[0].slice(area)) || !isolated(t, s, e) || vetoedByContext(t, s)) continue;
    if (!LANDLINE_LABEL.test(leftContext(t, s))) continue;
    add('landline', s, e, 1);
  }

  if (maxDigits >= 8) regionalPhoneCandidates(t, add);
}

/**
 * A phone word right before a number (手机, 电话, 号码, 联系我, 致电, 回拨, 打我香港手机, WhatsApp, Tel, with 号码, 号,
 * 是, a colon or spaces after it): what makes eight digits without a country code a Hong Kong or Macau number,
 * and ten digits starting 09 in one run a Taiwan mobile.
 */
const PHONE_WORD_BEFORE =
  /(?:电话|手机|手提|号码|座机|固话|联系方式|联系|联络|电联|致电|来电|回电|回拨|拨打|拨|打|call|tel|phone|mobile|cell|whatsapp)(?:给?我)?的?(?:香港|澳门|台湾)?的?(?:手机|电话)?(?:号码|号)?[:：是为\s]*$/i;
/** Hong Kong (852) and Macau (853) after their country code (+852, 00852, (852), (+852), 852-; 852 and a space
 * only after a phone word): eight digits, plain or 4-4. */
const HK_MO_CC = /(?:\(\+?(85[23])\) ?|(?:\+|00)(85[23])[ -]?|(?<![\d+])(85[23])[ -])(\d{4}[ -]?\d{4})/g;
/** Eight digits, plain or 4-4, starting as a Hong Kong or Macau number does. */
const HK_MO_LOCAL = /(?<!\d)[235679]\d{3}[ -]?\d{4}/g;
/** Taiwan (886) after its country code: a mobile 9xx xxx xxx (its 0 written or not), or an area code 2-8 (in
 * brackets or not) and a 7-8 digit number. */
const TW_CC = /(?:\(\+?886\) ?|(?:\+|00)886[ -]?|(?<![\d+])886[ -])(?:0?9\d{2}[ -]?\d{3}[ -]?\d{3}|\(?0?[2-8]\)?[ -]?\d{3,4}[ -]?\d{4})/g;
/** A Taiwan mobile without its country code: 09xx-xxx-xxx or 09xx xxx xxx (the same separator), 09xx-xxxxxx, or
 * one run of ten digits (which needs a phone word before it). */
const TW_MOBILE = /09\d{2}([ -])\d{3}\1\d{3}|09\d{2}-\d{6}|09\d{8}/g;
/** A Taiwan landline without its country code: a one-digit area code 02-08 in brackets or before a dash, and a 7-8
 * digit number ((02)2345-6789, 02-2345-6789, 07-345-6789, 02-23456789). */
const TW_LANDLINE = /\(0[2-8]\) ?\d{3,4}[ -]?\d{4}|0[2-8]-\d{3,4}-?\d{4}/g;

/** Whether eight digits are a Hong Kong or Macau mobile or fixed line: mobiles start 5, 6, 7 or 9 (Macau's 6),
 * fixed lines 2 or 3 (Macau's 28). */
function hkMoType(cc: string | undefined, digits: string): 'phone' | 'landline' | null {
  if (cc === '853') return /^6/.test(digits) ? 'phone' : /^28/.test(digits) ? 'landline' : null;
  return /^[5679]/.test(digits) ? 'phone' : /^[23]/.test(digits) ? 'landline' : null;
}

/**
 * Hong Kong, Macau and Taiwan numbers. Eight digits are everywhere in customer text (order numbers, amounts,
 * dates), so a Hong Kong or Macau number needs a country code or a phone word right before it; a Taiwan mobile
 * grouped 09xx-xxx-xxx is distinctive, in one run it needs the phone word too; a Taiwan landline needs its area
 * code in brackets or before a dash. Business-key labels, isolation and longer grouped numbers decide as for a
 * mainland number.
 */
function regionalPhoneCandidates(t: string, add: AddCandidate): void {
  const accept = (type: 'phone' | 'landline', s: number, e: number, body: string) => {
    if (!isolated(t, s, e) || (/[ -]/.test(body) && partOfLonger(t, s, e, ' -')) || vetoedByContext(t, s, type === 'phone')) return;
    add(type, s, e, type === 'phone' ? 2 : 1);
  };
  // a country code written without +, 00 or brackets and with a space after it (852 9123 4567) is as often part of
  // a list of numbers: only a phone word before it says it is one
  const bareCc = (m: RegExpExecArray | RegExpMatchArray) => /^\d{3} /.test(m[0]) && !PHONE_WORD_BEFORE.test(leftContext(t, m.index!));
  for (const m of t.matchAll(HK_MO_CC)) {
    const type = hkMoType(m[1] ?? m[2] ?? m[3], digitsOf(m[4]!));
    if (type && !bareCc(m)) accept(type, m.index, m.index + m[0].length, m[4]!);
  }
  for (const m of t.matchAll(HK_MO_LOCAL)) {
    const type = hkMoType(undefined, digitsOf(m[0]));
    if (type && PHONE_WORD_BEFORE.test(leftContext(t, m.index))) accept(type, m.index, m.index + m[0].length, m[0]);
  }
  for (const m of t.matchAll(TW_CC)) {
    if (bareCc(m)) continue;
    const body = m[0].replace(/^\(?(?:\+|00)?886\)?[ -]?/, '');
    accept(/^0?9/.test(body) ? 'phone' : 'landline', m.index, m.index + m[0].length, body);
  }
  for (const m of t.matchAll(TW_MOBILE)) {
    if (!/\D/.test(m[0]) && !PHONE_WORD_BEFORE.test(leftContext(t, m.index))) continue;
    accept('phone', m.index, m.index + m[0].length, m[0]);
  }
  for (const m of t.matchAll(TW_LANDLINE)) accept('landline', m.index, m.index + m[0].length, m[0].replace(/^\(0[2-8]\) ?/, ''));
}

/**
 * A WeChat label (微信, its homophones 薇信/威信, weixin, wx, vx, v信, and v: or v：) and a custom id as WeChat
 * allows it (6-20 characters, a letter first, then letters, digits, _ and -). Groups: 1 号 or id right after the
 * label (after a space too when a word ends there: 微信 ID lilyzhou, not 微信 identity123); 2 the separators,
 * 是 or 为; 3 a search (微信上搜, 微信搜一下, 微信里搜索); 4 the id. (Separators as for QQ: one run, not two in a
 * row; each optional part starts with its own word, so a long run is split one way only.)
 */
const WECHAT_ID =
  /(?:微信|薇信|威信|weixin|(?<![A-Za-z])(?:wx|vx|v信)(?![A-Za-z])|(?<![A-Za-z])v(?=[:：]))(\s?号|id|\sid(?![A-Za-z0-9_-]))?([:：\s]*(?:(?:是|为)[:：\s]*)?)(?:([上里]?(?:搜索|搜一下|搜一搜|搜))[:：\s]*)?([A-Za-z][A-Za-z0-9_-]{5,19})(?![A-Za-z0-9_*-]|\.\d)/gi;
/**
 * Words that follow 微信 as a product, a platform, a feature or an English word in a Chinese sentence, not as an
 * id (lower-cased; only those of 6 characters or more can be taken for an id, the short ones are listed for
 * whoever reads the list).
 */
const WECHAT_PRODUCT_WORDS = new Set(
  (
    'iphone ipad ipados ios android harmony harmonyos hongmeng windows win10 win11 mac macos macbook imac linux ubuntu pc web ' +
    'desktop laptop tablet mobile phone smartphone watch iwatch applewatch wearos official account accounts business ' +
    'enterprise work wecom wechat weixin wechatpay wepay pay payment wallet app apps applet miniapp miniprogram ' +
    'program lite beta preview insider store appstore playstore google huawei honor xiaomi redmi samsung oneplus oppo vivo ' +
    'meizu realme lenovo surface thinkpad client server browser chrome safari edge firefox version update updated ' +
    'upgrade upgraded latest international global english classic default plus pro max mini channels moments ' +
    'message messages notification notifications settings login logout backup restore online offline camera video ' +
    'videos voice sticker stickers emoji scanner qrcode always suddenly totally really still crash crashed crashes ' +
    'bug bugs'
  ).split(' '),
);
/**
 * What follows a word that makes it a product or platform (微信 HarmonyOS 版本, 微信 Android14 客户端, 微信 xxx
 * 公众号/小程序). Not 版主/版权, 端午/端口. 账号, 支付, 里 and 上 name a product only after a word of the list
 * (vx Official账号, 微信 iPhone 上): after another word they read the id (我的微信 lilyzhou 账号被封了, 加我微信
 * lilyzhou 支付定金, 我的微信 lilyzhou 里有记录).
 */
const WECHAT_PRODUCT_AFTER = /^\s*(?:电脑|手机|网页|桌面|平板|国际|测试|内测|正式|企业|最新|苹果|安卓)?(?:版(?![主权面块])|客户端|端(?![午口正])|公众号|小程序)/;
/**
 * Right before the label, words that give the id that follows (加我微信, 加一下我的微信, 添加微信, 我的微信, 我微信,
 * 本人微信, 联系微信, 联系方式：微信, 私信我微信). 增加/参加/附加/更加/追加 are no 加.
 */
const WECHAT_GIVEN_BEFORE =
  /(?:(?<![增参附更追叠施外])(?:添加|加)(?:一下|下|个)?(?:我的?)?|我的?|我们的|本人的?|联系(?:我|方式)?|私信我?|私聊我?)[:：\s]*$/;

/**
 * WeChat ids after a WeChat label. A phone number given as the id is found as a phone. When 号 or id says an id
 * follows, or a colon, what follows is one (微信号 zhangsan, 加微信：zhangsan). Otherwise (nothing or spaces, 是 or
 * 为, or a search) a word of the product list or one followed by 版, 客户端, 端, 公众号 or 小程序 is a product
 * (微信 iPhone 版, 我的微信是Android版, 微信搜一下 Official 账号); any other id holding a digit, _ or - is one (加我微信
 * wang_88), and one of letters alone only after 是/为, a search, or a word that gives it (加我微信 zhangsanfeng 聊,
 * 我的微信 lilyzhou 有事找我, 微信上搜 lilyzhou): after a bare 微信 such a word is as often a product no list
 * holds (微信 Surface 打不开).
 */
function wechatIdCandidates(t: string, add: AddCandidate): void {
  for (const m of t.matchAll(WECHAT_ID)) {
    const e = m.index + m[0].length;
    const id = m[4]!;
    if (!m[1] && !/[:：]/.test(m[2]!)) {
      if (WECHAT_PRODUCT_WORDS.has(id.toLowerCase()) || WECHAT_PRODUCT_AFTER.test(t.slice(e, e + 8))) continue;
      const given = /[是为]/.test(m[2]!) || m[3] !== undefined || /[\d_-]/.test(id);
      if (!given && !WECHAT_GIVEN_BEFORE.test(t.slice(Math.max(0, m.index - 10), m.index))) continue;
    }
    add('wechat', e - id.length, e, 0);
  }
}

/**
 * The secret of a stored-value card right after its label: 卡密, 卡密码 and 密码 after a card (充值卡密码, 礼品卡的密码,
 * 银行卡密码, E卡卡密). Whoever reads it can spend the card's value (a bank card's PIN with the card), so it is
 * masked whole, whatever its check digits, as a `bank_card` (the type of a payment card's credentials: PiiType
 * has no type of its own for it). The secret: 6-32 letters and digits with at least one digit, in one run or in
 * groups of 3-8 (ABCD-1234-EFGH-5678); an amount, a count or a date after it (卡密码错了3次, 卡密码2024年改过)
 * is none.
 */
const CARD_SECRET =
  /(?:卡密|卡(?:的)?密码|卡(?:的)?支付密码)[:：\s]*(?:(?:是|为)[:：\s]*)?([A-Za-z0-9]+(?:[ -][A-Za-z0-9]+){0,7})(?![A-Za-z0-9_*])/g;

function cardSecretCandidates(t: string, add: AddCandidate): void {
  for (const m of t.matchAll(CARD_SECRET)) {
    let groups = m[1]!.split(/[ -]/);
    // groups of one size (the last may be shorter), or else the first run alone (卡密 X7K9QW2M is invalid)
    const size = groups[0]!.length;
    if (groups.length > 1 && !(size >= 3 && size <= 8 && groups.slice(1, -1).every((g) => g.length === size) && groups.at(-1)!.length <= size)) groups = groups.slice(0, 1);
    const s = m.index + m[0].length - m[1]!.length;
    // a count after the last group belongs to it (卡密 1234 5678 9012 3456 2次都不对), after a single run to the run
    const counted = (n: number) => /^\s?(?:[年月日号元块位次个天笔分秒]|小时)/.test(t.slice(s + n, s + n + 3));
    if (groups.length > 1 && counted(groups.join(' ').length)) groups = groups.slice(0, -1);
    const value = groups.join('');
    const e = s + groups.join(' ').length;
    if (value.length < 6 || value.length > 32 || !/\d/.test(value) || counted(e - s)) continue;
    add('bank_card', s, e, 6, true);
  }
}

/** QQ numbers after a QQ label. */
function qqCandidates(t: string, add: AddCandidate): void {
  // QQ numbers (5-12 digits) after a QQ label (QQ, 扣扣, Q号, 企鹅号); QQ群 is a group, not a person. '['
  // keeps a hash token ([qq:12345678]) from being taken for a label. Between label and number: separators,
  // then 是 or 为 and more separators, if any. Written as two optional runs side by side, a long run of
  // separators ("qq" and 20,000 colons) was split between them every possible way before the regex gave up:
  // quadratic. The number may be written in groups of 3-4 digits (QQ 5820 1947 3); otherwise its first
  // group alone is the number (QQ 12345 2次).
  for (const m of t.matchAll(/(?<![A-Za-z[])(?:qq|扣扣|企鹅|q(?=号))(?:号码|号)?[:：\s]*(?:(?:是|为)[:：\s]*)?([1-9]\d{0,11}(?:[ -]\d{1,4}){0,3})/gi)) {
    const s = m.index! + m[0].length - m[1]!.length;
    const groups = m[1]!.split(/[ -]/);
    const digits = groups.join('').length;
    const grouped = groups.length > 1 && groups.slice(0, -1).every((g) => g.length >= 3 && g.length <= 4) && digits >= 5 && digits <= 12;
    const e = grouped ? s + m[1]!.length : s + groups[0]!.length;
    if (e - s < 5 || !isolated(t, s, e) || partOfLonger(t, s, e, ' -')) continue;
    add('qq', s, e, 0);
  }
}

/** Candidates that hold a number other than by its digits alone: e-mails and the number rules. */
const NUMBER_KINDS = new Set<PiiKind>(['email', 'phone', 'landline', 'id_card', 'bank_card', 'qq']);
/** Characters of context read on either side of a spoken run: the 12-character label window, the 25
 * characters isolated() looks at, and a +86 or (0755) prefix in front of the run. */
const SPOKEN_MARGIN = 40;

/**
 * Numbers read out digit by digit (幺三八一二三四五六七八, 一三八 一二三四 五六七八, 138一二三四5678,
 * 壹叁捌…, 1 3 8 1 2 3 4 5 6 7 8): the number and QQ rules run on a copy of each such run and its context
 * in Arabic digits (spoken-digits.ts), so the same structure checks, labels and vetoes decide as for a
 * number written in digits. What the rules found on the text itself stays as it is: a spoken candidate that
 * overlaps one is dropped.
 */
function spokenNumberCandidates(t: string, cands: Candidate[]): void {
  const runs = spokenDigitRuns(t);
  if (runs.length === 0) return;
  const foundOverlaps = overlapTest(cands.filter((c) => NUMBER_KINDS.has(c.type)));
  for (let k = 0; k < runs.length; k++) {
    const w = spokenWindow(t, runs, k, SPOKEN_MARGIN);
    const add: AddCandidate = (type, s, e, rank) => {
      if (s >= w.end || e <= w.start) return;
      const start = w.toSource[s]!;
      const end = w.toSource[e - 1]! + 1;
      if (foundOverlaps(start, end)) return;
      cands.push({ type, start, end, rank });
    };
    numberCandidates(w.text, add, runs[k]!.digits);
    qqCandidates(w.text, add);
  }
}

/** What callers see of a span: its type and place (whether masking hides it whole stays inside). */
const publicSpan = ({ type, start, end }: MaskSpan): PiiSpan => ({ type, start, end });

export function detectPii(text: string): PiiSpan[] {
  return detectSpans(text).map(publicSpan);
}

function detectSpans(text: string): MaskSpan[] {
  const { t, origStart, origEnd } = detectionCopy(text);
  if (t.length === 0) return [];
  // spans on the copy back to the original (they never start or end on a folded space)
  return detectOn(t).map(({ type, start, end, bearer }) => ({ type, start: origStart[start]!, end: origEnd[end - 1]!, bearer }));
}

function detectOn(t: string): MaskSpan[] {
  const cands: Candidate[] = [];
  const add: AddCandidate = (type, start, end, rank, bearer) => cands.push({ type, start, end, rank, bearer });

  // emails: unambiguous, no context veto
  for (const [s, e] of emailSpans(t)) add('email', s, e, 5);

  numberCandidates(t, add);

  // WeChat ids: wxid_… anywhere (the id WeChat itself assigns); after a WeChat label, a custom id (wechatIdCandidates)
  for (const m of t.matchAll(/(?<![A-Za-z0-9_])wxid_[A-Za-z0-9_-]{4,30}(?![A-Za-z0-9_*-])/g)) {
    add('wechat', m.index!, m.index! + m[0].length, 0);
  }
  wechatIdCandidates(t, add);
  cardSecretCandidates(t, add);
  qqCandidates(t, add);

  // street addresses down to the building or flat: the numbers from the house number down
  for (const m of t.matchAll(/(?<![0-9A-Za-z*_.])(?:\d|[A-Za-z](?=号楼|栋|幢|座))/g)) {
    const end = addressEnd(t, m.index!);
    if (end > 0) add('address', m.index!, end, 0);
  }

  // personal names right after a self-introduction or a name label: a common surname and one or two
  // given-name characters (我叫王小明, 我是李娜, 本人陈静, 姓名：张三, 户主欧阳娜娜)
  for (const m of t.matchAll(NAME_LABELS)) {
    const start = m.index! + m[0].length;
    const end = nameEnd(t, start, WEAK_NAME_LABEL.test(m[1]!), /叫/.test(m[0]));
    if (end > 0) add('name', start, end, 0);
  }

  spokenNumberCandidates(t, cands);

  // hash tokens already in the text are opaque: nothing found inside one is masked again
  const tokens = [...t.matchAll(HASH_TOKEN)].map((m) => ({ start: m.index!, end: m.index! + m[0].length }));
  const inToken = overlapTest(tokens);
  const live = tokens.length === 0 ? cands : cands.filter((c) => !inToken(c.start, c.end));

  // resolve overlaps: higher rank, then longer span
  live.sort((a, b) => b.rank - a.rank || b.end - b.start - (a.end - a.start) || a.start - b.start);
  // what is chosen, by start and then end: no two overlap, so the ends ascend too, and the one chosen span
  // a candidate can overlap is the last that starts before the candidate ends (a binary search, not a scan
  // of everything chosen: thousands of addresses or names in one long field made that quadratic)
  const chosen: Candidate[] = [];
  for (const c of live) {
    const i = lastStartingBefore(chosen, c.end);
    if (i >= 0 && c.start < chosen[i]!.end) continue;
    chosen.splice(i + 1, 0, c);
  }
  return chosen.map(({ type, start, end, bearer }) => ({ type, start, end, bearer }));
}

/** In-place masks keep the length, so offsets computed on the original stay valid on the masked text. */
function maskValue(type: PiiKind, value: string, bearer = false): string {
  if (bearer) {
    // a secret shows nothing: every letter and digit (the spaces and dashes between groups stay)
    const hw = halfWidth(value);
    return [...value].map((c, i) => (/[0-9A-Za-z]/.test(hw[i]!) ? '*' : c)).join('');
  }
  if (type === 'name') {
    // the surname stays (王**, 欧阳**, 歐陽**: the compound surnames are listed in simplified script)
    const keep = value.length > 2 && SURNAMES_2.has(normalizeText(value.slice(0, 2)).text) ? 2 : 1;
    return value.slice(0, keep) + '*'.repeat(value.length - keep);
  }
  if (type === 'address') {
    const hw = halfWidth(value);
    return [...value].map((c, i) => (/[0-9A-Za-z]/.test(hw[i]!) ? '*' : c)).join('');
  }
  if (type === 'wechat' || type === 'qq') {
    // the first character only (wxid_ is WeChat's prefix, not part of the person's id); the spaces of a QQ
    // number written in groups stay
    const keep = value.startsWith('wxid_') ? 5 : 1;
    return value.slice(0, keep) + (type === 'qq' ? value.slice(keep).replace(/[^\s-]/g, '*') : '*'.repeat(value.length - keep));
  }
  if (type === 'email') {
    // the address may hold a full-width ＠ (detection runs on a half-width copy), or an "@" spelled out
    // (艾特, (at), [at], " at "); a one-character local part (a@b.cn) is masked whole: keeping it would mask
    // nothing. Spaces before the "@" stay.
    const hw = halfWidth(value);
    let at = hw.indexOf('@');
    if (at < 0) at = hw.search(SPELLED_AT_ONCE);
    const local = hw.slice(0, at).trimEnd().length;
    const keep = local > 1 ? 1 : 0;
    return value.slice(0, keep) + value.slice(keep, at).replace(/\S/g, '*') + value.slice(at);
  }
  // NBSP, thin spaces and Unicode dashes read as the separators they stand for; invisible characters
  // between digits (found through the detection copy) are neither digits nor separators and stay
  // a number read out in Chinese numerals (幺三八…, 壹叁捌…) shows the same positions, as written
  const hw = numeralsToDigits(folded(value));
  // the ID check character X counts as one of the kept last four
  const isDigit = (c: string) => (type === 'id_card' ? /[\dXx]/ : /\d/).test(c);
  const digitPositions = [...hw].map((c, i) => (isDigit(c) ? i : -1)).filter((i) => i >= 0);
  let keepHead: number;
  // a 15-digit ID ends in its 3 sequence digits: keeping 4 would show part of the birth date
  const keepTail = type === 'id_card' && digitPositions.length === 15 ? 3 : 4;
  if (type === 'phone') {
    // the four digits before the last four are hidden, and what comes before them stays: a mainland mobile's
    // first three and any country code (138****5678, +86 138****5678), a Taiwan mobile's 09 (09**-**5-678, +886
    // 9** **5 678), a Hong Kong or Macau number's country code alone (+852 **** 4567, ****4567)
    keepHead = Math.max(0, digitPositions.length - 8);
  } else if (type === 'landline') {
    // digits read out one by one (0 7 5 5 2 6 5 4 3 2 1 0) are one run: the area code by its length; a
    // country code stays with the area code (+86 755 **** 4037, +886 2 **** 6789). Hong Kong and Macau have no
    // area code: the country code alone stays (+852 **** 6789, **** 6789)
    const ccm = /^(?:\(\+?|\+|00)?(86|852|853|886)\)?[ -]?/.exec(hw);
    const cc = ccm?.[0].length ?? 0;
    const ccDigits = ccm ? digitsOf(ccm[0]).length : 0;
    const sep = /^\d(?: \d){4,}$/.test(hw) ? -1 : hw.slice(cc).search(/[) .,-]/);
    if (ccm ? /^85[23]$/.test(ccm[1]!) : /^[1-9]/.test(digitsOf(hw))) keepHead = ccDigits;
    else if (sep >= 0) keepHead = digitsOf(hw.slice(0, cc + sep + 1)).length;
    else keepHead = ccm?.[1] === '886' ? ccDigits + 1 : landlineAreaLength(digitsOf(hw));
  } else {
    keepHead = 6;
  }
  const keep = new Set<number>();
  digitPositions.slice(0, keepHead).forEach((p) => keep.add(p));
  digitPositions.slice(-keepTail).forEach((p) => keep.add(p));
  return [...value].map((c, i) => (isDigit(hw[i]!) && !keep.has(i) ? '*' : c)).join('');
}

// Deployments pass a per-tenant key (TenantSettingsService.hashSecret); the default only keeps tokens
// stable in development and tests.
const DEFAULT_SECRET = 'guandian-dev-pii-secret';

/**
 * `[type:16 hex]`: 64 bits of an HMAC-SHA256 of the canonical value. With 32 bits (the 8 hex written
 * before) two different values of a type more likely than not share a token once a tenant holds ~77k of
 * them (birthday bound), which merges two customers in any join on the token; 64 bits push that to ~5e9.
 */
function hashToken(type: PiiKind, value: string, secret: string, bearer = false): string {
  const canonical = bearer
    ? // a card's secret: its letters and digits, however grouped
      normalizeText(value).text.replace(/[\s-]/g, '').toUpperCase()
    : type === 'email'
      ? emailCanonical(value)
      : type === 'qq'
        ? // a number read out in numerals is the number: 一二三四五六 and 123456 are one value, and so is
          // 1234 56 written in groups
          numeralsToDigits(normalizeText(value).text).replace(/[\s-]/g, '')
        : type === 'wechat' || type === 'name' || type === 'address'
          ? // the same name in either script, with or without a zero-width space, is the same value
            normalizeText(value).text
          : numberCanonical(type, value);
  const h = createHmac('sha256', secret).update(`${type}:${canonical}`).digest('hex').slice(0, 16);
  return `[${type}:${h}]`;
}

/** An address as one value however it is written: zhang＠qq.com, zhang艾特qq点com and zhang at qq dot com are
 * zhang@qq.com. */
function emailCanonical(value: string): string {
  const n = normalizeText(value).text.toLowerCase();
  const at = AT_WRITTEN.exec(n);
  if (!at) return n;
  return n.slice(0, at.index) + '@' + n.slice(at.index + at[0].length).replace(new RegExp(LOOSE_DOT.source, 'gi'), '.');
}

/** A number's digits (an ID's X upper-case), without a mainland mobile's country code; a landline written
 * after +86 or 0086 gets its area code's 0 back, so +86 755 8261 4037 and 0755-82614037 are one value. */
function numberCanonical(type: PiiKind, value: string): string {
  // 00852, +852, (852) and 852- are one country code; a Taiwan number after 886 gets its 0 back (+886 912 345 678
  // is 0912345678, +886 2 2345 6789 is 0223456789)
  const digits = numeralsToDigits(halfWidth(value))
    .replace(/[^\dXx]/g, '')
    .toUpperCase()
    .replace(/^00(?=85[23]|886)/, '');
  if (type === 'landline') return digits.replace(/^8860?(?=[2-8])/, '0').replace(/^(?:00)?86(?=[1-9])/, '0');
  return digits.replace(/^8860?(?=9\d{8}$)/, '0').replace(/^(?:00)?86(?=1\d{10}$)/, '');
}

function applyMasks(text: string, entities: MaskSpan[], policy: PiiPolicy, secret: string | undefined): string {
  if (policy === 'keep' || entities.length === 0) return text;
  let out = '';
  let pos = 0;
  for (const e of entities) {
    out += text.slice(pos, e.start);
    const value = text.slice(e.start, e.end);
    out += policy === 'mask' ? maskValue(e.type, value, e.bearer) : hashToken(e.type, value, secret ?? DEFAULT_SECRET, e.bearer);
    pos = e.end;
  }
  return out + text.slice(pos);
}

export function maskPii(text: string, policy: PiiPolicy, opts?: { hashSecret?: string }): { text: string; entities: PiiSpan[] } {
  const spans = detectSpans(text);
  return { text: applyMasks(text, spans, policy, opts?.hashSecret), entities: spans.map(publicSpan) };
}

/**
 * A transcript's turns under the policy. Each turn is masked as text is; then the consecutive turns of one
 * speaker are read again as one text, a space between them, because speech recognition cuts a turn at every
 * pause and a customer reading out a number pauses inside it: "一三八 一二三四" and "五六七八" arrive as two
 * turns, neither of which holds a number. Another speaker's backchannel between them (嗯, 好的, 您说) does not
 * end that text: the agent says it while the customer reads on. What that reading finds is masked in the turns
 * it spans: `mask` hides the same digits as in the number written whole, each in the turn it sits in (offsets
 * kept); `hash` writes the token where the value starts and drops the rest of it from the later turns (the
 * token is the same as for the number sent in one turn). Other turns of different speakers are not joined (an
 * agent's question and a customer's answer are two texts).
 */
export function maskPiiTurns(turns: readonly { speaker: string; text: string }[], policy: PiiPolicy, opts?: { hashSecret?: string }): string[] {
  const out = turns.map((t) => maskPii(t.text, policy, opts).text);
  if (policy === 'keep') return out;
  const taken = new Array<boolean>(turns.length).fill(false);
  for (let g = 0; g < turns.length; g++) {
    if (taken[g]) continue;
    const group = [g];
    for (let j = g + 1; j < turns.length; j++) {
      if (turns[j]!.speaker === turns[g]!.speaker) group.push(j);
      else if (!BACKCHANNEL.test(turns[j]!.text)) break;
    }
    for (const i of group) taken[i] = true;
    if (group.length > 1) joinedTurns(out, group, policy, opts?.hashSecret);
  }
  return out;
}

/** A turn that only acknowledges (嗯, 好的, 对, 您说, 请讲, 明白了, 记下了), said while the other speaker goes on. */
const BACKCHANNEL = /^[\s\p{P}]*[嗯哦噢喔啊呃好的对是行您请说讲明白收到记下了]{1,6}[\s\p{P}]*$/u;

/** Masks in the turns `group` (already masked one by one) what detection finds when they are read as one text. */
function joinedTurns(out: string[], group: readonly number[], policy: PiiPolicy, secret: string | undefined): void {
  const offsets: number[] = [];
  let joined = '';
  for (const [k, i] of group.entries()) {
    if (k > 0) joined += ' ';
    offsets.push(joined.length);
    joined += out[i]!;
  }
  const spans = detectSpans(joined);
  if (spans.length === 0) return;
  const pieces: string[][] = group.map(() => []);
  const cursor: number[] = group.map(() => 0);
  for (const e of spans) {
    const value = joined.slice(e.start, e.end);
    const masked = policy === 'mask' ? maskValue(e.type, value, e.bearer) : null;
    const token = policy === 'mask' ? null : hashToken(e.type, value, secret ?? DEFAULT_SECRET, e.bearer);
    let first = true;
    for (const [k, i] of group.entries()) {
      const from = offsets[k]!;
      const to = from + out[i]!.length;
      const s = Math.max(e.start, from);
      const t = Math.min(e.end, to);
      if (s >= t) continue;
      const piece = masked !== null ? masked.slice(s - e.start, t - e.start) : first ? token! : '';
      first = false;
      pieces[k]!.push(out[i]!.slice(cursor[k]!, s - from) + piece);
      cursor[k] = t - from;
    }
  }
  for (const [k, i] of group.entries()) out[i] = pieces[k]!.join('') + out[i]!.slice(cursor[k]!);
}

/** A number whose digits alone are a phone, a valid ID or a Luhn card (no label to go by). */
function wholeNumberPii(digits: string): boolean {
  return detectPii(digits).some((e) => e.start === 0 && e.end === digits.length);
}

/**
 * A JSON key under the policy. Keys are field names, but callers do key maps by phone or customer
 * number ({"13812345678": …}, {"user_13812345678": …}), and a key is stored and served like a value.
 * Found in a key: what the text rules find (with "_" read as a space), and any run of digits that is a
 * phone, a valid ID or a Luhn card by its digits alone, whatever letters it is glued to: a key has no
 * sentence around it to tell an order number from a phone, so the digits decide, as for JSON numbers.
 */
export function maskPiiKey(key: string, policy: PiiPolicy, opts?: { hashSecret?: string }): string {
  if (policy === 'keep' || key === '') return key;
  const found = detectSpans(key.replace(/_/g, ' '));
  for (const m of key.matchAll(/\d{10,19}/g)) {
    const s = m.index!;
    const e = s + m[0].length;
    if (found.some((f) => f.start < e && s < f.end)) continue;
    const inner = detectPii(m[0]).find((f) => f.start === 0 && f.end === m[0].length);
    if (inner) found.push({ type: inner.type, start: s, end: e });
  }
  found.sort((a, b) => a.start - b.start);
  return applyMasks(key, found, policy, opts?.hashSecret);
}

/**
 * A JSON value (document metadata) with every string masked as text is, every key masked by
 * maskPiiKey, and every number shaped like a phone, an ID or a card (found in its digits alone: no label
 * to go by, so a card must pass Luhn and an 18-digit ID its check digit) replaced by the masked string
 * or hash token of those digits; other numbers, booleans and null stay as they are.
 */
export function maskPiiJson(value: unknown, policy: PiiPolicy, opts?: { hashSecret?: string }): unknown {
  if (typeof value === 'string') return maskPii(value, policy, opts).text;
  if (typeof value === 'number') {
    if (policy === 'keep' || !Number.isInteger(value) || value < 1e10 || value >= 1e21) return value;
    const digits = String(value);
    return wholeNumberPii(digits) ? maskPii(digits, policy, opts).text : value;
  }
  if (Array.isArray(value)) return value.map((v) => maskPiiJson(v, policy, opts));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).map(([k, v]) => [k, maskPiiKey(k, policy, opts), maskPiiJson(v, policy, opts)] as const);
  // Two keys that mask alike (13812345678 and 13899995678 are both 138****5678) must not overwrite each
  // other: every key after the first of a group (in sorted order of the keys as sent, so a re-send
  // with its keys in another order stores the same object) gets "~2", "~3"…
  const taken = new Set(entries.filter(([k, masked]) => k === masked).map(([k]) => k));
  const renamed = new Map<string, string>();
  for (const [k, masked] of [...entries].filter(([k, masked]) => k !== masked).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    let name = masked;
    for (let n = 2; taken.has(name); n++) name = `${masked}~${n}`;
    taken.add(name);
    renamed.set(k, name);
  }
  return Object.fromEntries(entries.map(([k, , v]) => [renamed.get(k) ?? k, v]));
}
