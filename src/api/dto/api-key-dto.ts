import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { ROLES } from '../../store/records.js';

const TENANT = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const TENANT_MESSAGE = 'tenant must be 1-64 lowercase letters, digits, _ or -';

export class CreateApiKeyDto {
  @IsString()
  @Length(1, 100)
  name!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(ROLES as unknown as string[], { each: true, message: `each role must be one of ${ROLES.join(', ')}` })
  roles!: ('ingest' | 'analyst' | 'labeler' | 'admin')[];

  /** Defaults to the caller's tenant; only the platform (bootstrap) key may name another one. */
  @IsOptional()
  @IsString()
  @Matches(TENANT, { message: TENANT_MESSAGE })
  tenant?: string;
}

export class ApiKeysQueryDto {
  /** Whose keys: defaults to the caller's tenant; only the platform (bootstrap) key may name another one. */
  @IsOptional()
  @IsString()
  @Matches(TENANT, { message: TENANT_MESSAGE })
  tenant?: string;
}
