import { StatsQueryDto } from './query-dto.js';

/** Which finished documents to re-tag: channel, kind, and from/to on their creation time. */
export class RetagDto extends StatsQueryDto {}
