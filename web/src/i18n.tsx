import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import type { Category, Polarity, Tag } from './api';

export type Lang = 'zh' | 'en';

const zh = {
  appName: '观点',
  signIn: '登录',
  signOut: '退出',
  apiKey: 'API 密钥',
  apiKeyHint: '粘贴管理员分发的 API 密钥，仅保存在本浏览器标签页中。',
  signInFailed: '登录失败',
  ingestOnly: '此密钥仅有数据接入权限，无法查看控制台。请通过 API 提交数据，或联系管理员获取分析员密钥。',
  noAccess: '此密钥没有可用的控制台权限。',
  navFeed: '观点流',
  navDashboard: '仪表盘',
  navLabel: '标注队列',
  navExport: '导出',
  navIngest: '提交数据',
  polarity: '情感',
  category: '类别',
  aspect: '评价对象',
  channel: '渠道',
  kind: '类型',
  from: '开始日期',
  to: '结束日期',
  confidence: '置信度',
  minConfidence: '最低',
  maxConfidence: '最高',
  search: '全文搜索',
  searchPlaceholder: '关键词…',
  source: '来源',
  all: '全部',
  reset: '重置',
  apply: '应用',
  positive: '正向',
  negative: '负向',
  neutral: '中性',
  comment: '评论',
  transcript: '通话转写',
  social: '社交媒体',
  customer: '客户',
  agent: '坐席',
  system: '系统',
  loading: '加载中…',
  loadMore: '加载更多',
  noResults: '没有符合条件的观点',
  end: '已到底部',
  tagsMatched: '条匹配',
  documents: '文档',
  back: '返回',
  detail: '文档详情',
  status: '状态',
  statusQueued: '排队中',
  statusProcessing: '处理中',
  statusDone: '已完成',
  statusFailed: '失败',
  reviewed: '已审核',
  unreviewed: '未审核',
  sentiment: '整体情感',
  occurredAt: '发生时间',
  createdAt: '创建时间',
  customerId: '客户 ID',
  externalId: '外部 ID',
  tags: '观点标签',
  opinion: '观点',
  tagSource: '来源',
  modelVersion: '模型版本',
  noTags: '暂无标签',
  openInQueue: '在标注队列中打开',
  byCategory: '类别 × 情感',
  negativeTrend: '每日负面率',
  topNegative: '负面评价对象 Top',
  byChannel: '渠道分布',
  negativeRate: '负面率',
  count: '数量',
  total: '合计',
  chartHint: '点击图表可跳转到对应的观点流',
  noData: '暂无数据',
  exportTitle: '导出标签',
  exportHint: '按下方筛选条件导出全部标签。CSV 含 UTF-8 BOM，可直接用 Excel 打开。',
  exportCsv: '下载 CSV',
  exportJsonl: '下载 JSONL',
  exporting: '正在导出…',
  exportDone: '已开始下载',
  queueEmpty: '标注队列为空，所有文档都已审核。',
  queueTitle: '标注队列',
  saving: '保存中…',
  saved: '已保存',
  docOf: '第 {i} / {n} 篇',
  keys: '快捷键',
  keyNextPrev: '下一篇 / 上一篇',
  keyAccept: '全部接受并进入下一篇',
  keyPolarity: '将选中标签设为 正向 / 负向 / 中性',
  keySelect: '选择标签',
  keyCategory: '修改选中标签的类别',
  keyDelete: '删除选中标签',
  keyAdd: '用当前选中的文字新建标签',
  keyUndo: '撤销上一步',
  keyHelp: '显示 / 隐藏快捷键',
  pickCategory: '选择类别',
  pickHint: '输入筛选，↑↓ 选择，Enter 确认，Esc 取消',
  selectTextFirst: '请先在文本中选中要标注的文字',
  nothingToUndo: '没有可撤销的操作',
  acceptNoUndo: '“全部接受”无法撤销',
  accepted: '已接受',
  minConf: '最低置信度',
  ingestTitle: '提交数据',
  ingestText: '文本',
  ingestTurns: '转写（每行一句，以“客户：”或“坐席：”开头）',
  submit: '提交',
  submitted: '已提交，文档 ID：',
  language: 'English',
  aspectHint: '回车保存，Esc 取消',
  mixed: '混合',
  turnN: '第 {n} 句',
  srcModel: '模型',
  srcRule: '规则',
  srcHuman: '人工',
  error: '出错了',
  retry: '重试',
  user: '用户',
  tenant: '租户',
};

export type MsgKey = keyof typeof zh;

const en: Record<MsgKey, string> = {
  appName: 'Guandian',
  signIn: 'Sign in',
  signOut: 'Sign out',
  apiKey: 'API key',
  apiKeyHint: 'Paste the API key your admin gave you. It is kept in this browser tab only.',
  signInFailed: 'Sign-in failed',
  ingestOnly: 'This key can only ingest data and has no console access. Submit data through the API, or ask an admin for an analyst key.',
  noAccess: 'This key has no console permissions.',
  navFeed: 'Feed',
  navDashboard: 'Dashboard',
  navLabel: 'Labeling',
  navExport: 'Export',
  navIngest: 'Ingest',
  polarity: 'Polarity',
  category: 'Category',
  aspect: 'Aspect',
  channel: 'Channel',
  kind: 'Kind',
  from: 'From',
  to: 'To',
  confidence: 'Confidence',
  minConfidence: 'Min',
  maxConfidence: 'Max',
  search: 'Full text',
  searchPlaceholder: 'Keywords…',
  source: 'Source',
  all: 'All',
  reset: 'Reset',
  apply: 'Apply',
  positive: 'Positive',
  negative: 'Negative',
  neutral: 'Neutral',
  comment: 'Comment',
  transcript: 'Transcript',
  social: 'Social',
  customer: 'Customer',
  agent: 'Agent',
  system: 'System',
  loading: 'Loading…',
  loadMore: 'Load more',
  noResults: 'No opinions match these filters',
  end: 'End of list',
  tagsMatched: 'matched',
  documents: 'documents',
  back: 'Back',
  detail: 'Document',
  status: 'Status',
  statusQueued: 'Queued',
  statusProcessing: 'Processing',
  statusDone: 'Done',
  statusFailed: 'Failed',
  reviewed: 'Reviewed',
  unreviewed: 'Not reviewed',
  sentiment: 'Sentiment',
  occurredAt: 'Occurred',
  createdAt: 'Created',
  customerId: 'Customer ID',
  externalId: 'External ID',
  tags: 'Opinion tags',
  opinion: 'Opinion',
  tagSource: 'Source',
  modelVersion: 'Model',
  noTags: 'No tags',
  openInQueue: 'Open in labeling queue',
  byCategory: 'Category × polarity',
  negativeTrend: 'Negative rate by day',
  topNegative: 'Top negative aspects',
  byChannel: 'By channel',
  negativeRate: 'Negative rate',
  count: 'Count',
  total: 'Total',
  chartHint: 'Click a chart to open the matching feed',
  noData: 'No data',
  exportTitle: 'Export tags',
  exportHint: 'Exports every tag matching the filters below. The CSV has a UTF-8 BOM so Excel opens it directly.',
  exportCsv: 'Download CSV',
  exportJsonl: 'Download JSONL',
  exporting: 'Exporting…',
  exportDone: 'Download started',
  queueEmpty: 'The labeling queue is empty: every document has been reviewed.',
  queueTitle: 'Labeling queue',
  saving: 'Saving…',
  saved: 'Saved',
  docOf: '{i} of {n}',
  keys: 'Keyboard shortcuts',
  keyNextPrev: 'Next / previous document',
  keyAccept: 'Accept all and go to next',
  keyPolarity: 'Set selected tag to positive / negative / neutral',
  keySelect: 'Select tag',
  keyCategory: 'Change category of selected tag',
  keyDelete: 'Delete selected tag',
  keyAdd: 'Add a tag from the selected text',
  keyUndo: 'Undo last action',
  keyHelp: 'Show / hide shortcuts',
  pickCategory: 'Choose category',
  pickHint: 'Type to filter, ↑↓ to move, Enter to choose, Esc to cancel',
  selectTextFirst: 'Select some text in the document first',
  nothingToUndo: 'Nothing to undo',
  acceptNoUndo: '“Accept all” cannot be undone',
  accepted: 'Accepted',
  minConf: 'Min confidence',
  ingestTitle: 'Submit data',
  ingestText: 'Text',
  ingestTurns: 'Transcript (one turn per line, starting with "customer:" or "agent:")',
  submit: 'Submit',
  submitted: 'Submitted, document id: ',
  language: '中文',
  aspectHint: 'Enter to save, Esc to cancel',
  mixed: 'Mixed',
  turnN: 'turn {n}',
  srcModel: 'Model',
  srcRule: 'Rule',
  srcHuman: 'Human',
  error: 'Error',
  retry: 'Retry',
  user: 'User',
  tenant: 'Tenant',
};

const dictionaries: Record<Lang, Record<MsgKey, string>> = { zh, en };

export interface I18n {
  lang: Lang;
  setLang: (l: Lang) => void;
  t: (key: MsgKey, vars?: Record<string, string | number>) => string;
  categoryName: (id: string) => string;
  tagLabel: (tag: Tag) => string;
  setCategories: (c: Category[]) => void;
  categories: Category[];
}

const Ctx = createContext<I18n | null>(null);

const LANG_STORAGE = 'guandian.lang';

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => (localStorage.getItem(LANG_STORAGE) === 'en' ? 'en' : 'zh'));
  const [categories, setCategories] = useState<Category[]>([]);
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem(LANG_STORAGE, l);
    document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
    setLangState(l);
  }, []);
  const value = useMemo<I18n>(() => {
    const dict = dictionaries[lang];
    const byId = new Map(categories.map((c) => [c.id, c]));
    const t = (key: MsgKey, vars?: Record<string, string | number>) => {
      let s = dict[key];
      if (vars) for (const [k, v] of Object.entries(vars)) s = s.replace(`{${k}}`, String(v));
      return s;
    };
    const categoryName = (id: string) => {
      const c = byId.get(id);
      if (!c) return id;
      return lang === 'zh' ? c.zh : c.en;
    };
    const tagLabel = (tag: Tag) => {
      if (lang === 'zh' && tag.label) return tag.label;
      // The API's label is Chinese ("正向评价: 网络顺畅"); in English keep the phrase, translate the prefix.
      const opinion = tag.opinion ?? '';
      const phrase = (tag.aspect && !opinion.includes(tag.aspect) ? `${tag.aspect}${opinion}` : opinion) || tag.label;
      return `${dict[tag.polarity]}: ${phrase}`;
    };
    return { lang, setLang, t, categoryName, tagLabel, setCategories, categories };
  }, [lang, setLang, categories]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}

const SOURCE_KEYS: Record<string, MsgKey> = { model: 'srcModel', rule: 'srcRule', human: 'srcHuman' };

/** Tag origin in the reader's language; unknown values pass through. */
export function sourceKey(source: string): MsgKey | null {
  return SOURCE_KEYS[source] ?? null;
}

export const POLARITIES: Polarity[] = ['positive', 'negative', 'neutral'];
