import { Body, Controller } from '@nestjs/common';
import { type InstitutionsGetByIdResponse } from 'plaid';
import { PlaidPost, type WithoutRequestId } from '../common/plaid-endpoint';
import { type JsonObject } from '../common/request-fields';
import { InstitutionsService } from './institutions.service';

@Controller()
export class InstitutionsController {
  constructor(private readonly institutions: InstitutionsService) {}

  @PlaidPost('/institutions/get_by_id')
  getById(@Body() body: JsonObject): WithoutRequestId<InstitutionsGetByIdResponse> {
    return this.institutions.getById(body);
  }
}
