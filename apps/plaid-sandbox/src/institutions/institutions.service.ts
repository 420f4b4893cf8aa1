import { Injectable } from '@nestjs/common';
import {
  type Institution,
  type InstitutionsGetByIdRequest,
  type InstitutionsGetByIdResponse,
  type ProductStatus,
} from 'plaid';
import { PlaidApiError } from '../common/plaid-error';
import {
  type JsonObject,
  optionalObject,
  optionalStringArray,
  requireFields,
  requiredString,
} from '../common/request-fields';
import { INSTITUTIONS, type InstitutionHealth, type InstitutionSpec } from './institutions.catalog';
import { type WithoutRequestId } from '../common/plaid-endpoint';

@Injectable()
export class InstitutionsService {
  private readonly byId = new Map(INSTITUTIONS.map((i) => [i.institution_id, i]));
  private readonly bootTime = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

  /** Unknown ids answer INVALID_INSTITUTION, as Plaid does. */
  require(institutionId: string): InstitutionSpec {
    const spec = this.byId.get(institutionId);
    if (!spec)
      throw PlaidApiError.of('INVALID_INSTITUTION', `invalid institution_id provided: ${institutionId}`);
    return spec;
  }

  getById(body: JsonObject): WithoutRequestId<InstitutionsGetByIdResponse> {
    const request = this.parse(body);
    const spec = this.require(request.institution_id);
    const institution: Institution = {
      institution_id: spec.institution_id,
      name: spec.name,
      products: spec.products,
      country_codes: spec.country_codes,
      routing_numbers: spec.routing_numbers,
      oauth: spec.oauth,
      dtc_numbers: [],
    };
    if (request.options?.include_optional_metadata) {
      institution.url = spec.url;
      institution.primary_color = spec.primary_color;
      institution.logo = null;
    }
    if (request.options?.include_status) {
      const s = (): ProductStatus => this.productStatus(spec.health);
      institution.status = {
        item_logins: s(),
        transactions_updates: s(),
        auth: s(),
        identity: s(),
        investments_updates: s(),
        liabilities_updates: s(),
        liabilities: s(),
        investments: s(),
        health_incidents: [],
      };
    }
    return { institution };
  }

  private parse(body: JsonObject): InstitutionsGetByIdRequest {
    requireFields(body, ['institution_id', 'country_codes']);
    const institution_id = requiredString(body, 'institution_id');
    const country_codes = optionalStringArray(body, 'country_codes') ?? [];
    if (country_codes.length === 0)
      throw PlaidApiError.invalidField('country_codes must contain at least one country code');
    const options = optionalObject(body, 'options');
    return {
      institution_id,
      country_codes: country_codes as InstitutionsGetByIdRequest['country_codes'],
      options,
    };
  }

  private productStatus(health: InstitutionHealth): ProductStatus {
    const success = health === 'HEALTHY' ? 0.99 : health === 'DEGRADED' ? 0.72 : 0.05;
    return {
      status: health as ProductStatus['status'],
      last_status_change: this.bootTime,
      breakdown: {
        success,
        error_plaid: Math.round((1 - success) * 0.3 * 100) / 100,
        error_institution: Math.round((1 - success) * 0.7 * 100) / 100,
        refresh_interval: (health === 'DOWN'
          ? 'STOPPED'
          : health === 'DEGRADED'
            ? 'DELAYED'
            : 'NORMAL') as NonNullable<ProductStatus['breakdown']['refresh_interval']>,
      },
    };
  }
}
