import { IsIn, IsInt, IsOptional, Max, Min, ValidateIf } from 'class-validator';

export class TenantSettingsDto {
  @IsOptional()
  @IsIn(['mask', 'hash', 'keep'])
  piiPolicy?: 'mask' | 'hash' | 'keep';

  /** null keeps documents forever. */
  @ValidateIf((o: TenantSettingsDto) => o.retentionDays !== undefined && o.retentionDays !== null)
  @IsInt()
  @Min(1)
  @Max(36_500)
  retentionDays?: number | null;
}
