import { Controller, Get, Header } from '@nestjs/common';
import { INSTITUTIONS } from '../institutions/institutions.catalog';
import { LINK_PAGE_HTML, LINK_PAGE_SCRIPT } from './link-page.assets';

// Not Plaid's API: a stand-in for the Link UI, so that a browser app can link an Item against the emulator as it
// would with Plaid Link. The app opens GET /link?token=…&origin=…[&update=1] in a popup; the page searches the
// catalogue, takes sandbox credentials (user_good/pass_good, error_<CODE> passwords, user_transactions_dynamic),
// finishes through POST /sandbox-control/link/complete and posts the outcome to the opener (only to `origin`):
// {source: 'plaid-sandbox-link', event: 'success', publicToken, metadata} or {…, event: 'exit', error, metadata}.
@Controller('link')
export class LinkPageController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  page(): string {
    return LINK_PAGE_HTML;
  }

  @Get('link-page.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  script(): string {
    return LINK_PAGE_SCRIPT;
  }

  @Get('institutions')
  institutions(): { institutions: { institution_id: string; name: string }[] } {
    return {
      institutions: INSTITUTIONS.map(({ institution_id, name }) => ({ institution_id, name })),
    };
  }
}
