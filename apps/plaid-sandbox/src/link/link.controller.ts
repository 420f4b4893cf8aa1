import { Body, Controller } from '@nestjs/common';
import { type LinkTokenCreateResponse } from 'plaid';
import { PlaidPost, type WithoutRequestId } from '../common/plaid-endpoint';
import { type JsonObject } from '../common/request-fields';
import { LinkService } from './link.service';

@Controller()
export class LinkController {
  constructor(private readonly link: LinkService) {}

  @PlaidPost('/link/token/create')
  createLinkToken(@Body() body: JsonObject): WithoutRequestId<LinkTokenCreateResponse> {
    return this.link.createLinkToken(body);
  }
}
