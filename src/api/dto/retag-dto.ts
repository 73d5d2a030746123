import { IsIn, IsISO8601, IsOptional, IsString, Length } from 'class-validator';

export class RetagDto {
  @IsOptional()
  @IsString()
  @Length(1, 64)
  channel?: string;

  @IsOptional()
  @IsIn(['comment', 'transcript', 'social', 'survey'])
  kind?: string;

  @IsOptional()
  @IsISO8601({}, { message: 'from must be an ISO 8601 date or date-time' })
  from?: string;

  @IsOptional()
  @IsISO8601({}, { message: 'to must be an ISO 8601 date or date-time' })
  to?: string;
}
