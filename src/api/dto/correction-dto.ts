import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, Length, Max, Min, ValidateIf, ValidateNested } from 'class-validator';
import { CATEGORY_IDS } from '../../nlp/types.js';

export class SpanDto {
  @IsInt()
  @Min(0)
  @Max(20_000)
  start!: number;

  @IsInt()
  @Min(1)
  @Max(20_000)
  end!: number;
}

export class CorrectionActionDto {
  @IsIn(['accept', 'update', 'delete', 'add'])
  op!: 'accept' | 'update' | 'delete' | 'add';

  @ValidateIf((a: CorrectionActionDto) => a.op === 'update' || a.op === 'delete')
  @IsString()
  @Length(1, 64)
  tagId?: string;

  @ValidateIf((a: CorrectionActionDto) => a.op === 'add' || a.polarity !== undefined)
  @IsIn(['positive', 'negative', 'neutral'])
  polarity?: 'positive' | 'negative' | 'neutral';

  @ValidateIf((a: CorrectionActionDto) => a.op === 'add' || a.category !== undefined)
  @IsIn(CATEGORY_IDS as unknown as string[])
  category?: (typeof CATEGORY_IDS)[number];

  @IsOptional()
  @IsString()
  @Length(1, 64)
  aspect?: string | null;

  @ValidateIf((a: CorrectionActionDto) => a.op === 'add')
  @ValidateNested()
  @Type(() => SpanDto)
  span?: SpanDto;

  @IsOptional()
  @IsInt()
  @Min(0)
  turnIndex?: number;
}

export class CorrectionsDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => CorrectionActionDto)
  actions!: CorrectionActionDto[];
}

// At least one of the three is required (an empty patch is refused by CorrectionsService, which names
// the body); null is an aspect's "none", never a polarity or category.
export class TagPatchDto {
  @ValidateIf((p: TagPatchDto) => p.polarity !== undefined)
  @IsIn(['positive', 'negative', 'neutral'])
  polarity?: 'positive' | 'negative' | 'neutral';

  @ValidateIf((p: TagPatchDto) => p.category !== undefined)
  @IsIn(CATEGORY_IDS as unknown as string[])
  category?: (typeof CATEGORY_IDS)[number];

  @IsOptional()
  @IsString()
  @Length(1, 64)
  aspect?: string | null;
}
