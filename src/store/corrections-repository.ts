import type { Collection, Filter } from './collection.js';
import type { CorrectionRecord } from './records.js';

export class CorrectionsRepository {
  constructor(private readonly coll: Collection<CorrectionRecord>) {}

  async init(): Promise<void> {
    // Corrections are read per document (history) and per tenant in time order (training export).
    await this.coll.ensureIndex({ fields: { documentId: 1 } });
    await this.coll.ensureIndex({ fields: { tenant: 1, at: 1 } });
  }

  insert(record: CorrectionRecord): Promise<void> {
    return this.coll.insertOne(record);
  }

  byDocument(documentId: string): Promise<CorrectionRecord[]> {
    return this.coll.find({ documentId }, { sort: { at: 1 } });
  }

  deleteWhere(filter: Filter): Promise<number> {
    return this.coll.deleteMany(filter);
  }

  list(filter: Filter, limit: number): Promise<CorrectionRecord[]> {
    return this.coll.find(filter, { sort: { _id: 1 }, limit });
  }
}
