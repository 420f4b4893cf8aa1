import { Injectable } from '@nestjs/common';
import { type CreateLinkTokenDto, type LinkTokenDto, MessagePattern as P } from '@app/contracts';
import { Rpc } from '../rpc/rpc';

// A Link token, from plaid-link. For account selection the sync worker is told first (it also answers 404 for
// an item that is not the caller's): until a reconciliation applies the selection, accounts Plaid stops
// returning count as unshared (`unlinked`), not as closed.
@Injectable()
export class LinkTokensService {
  constructor(private readonly rpc: Rpc) {}

  async create(userId: string, dto: CreateLinkTokenDto): Promise<LinkTokenDto> {
    if (dto.accountSelection && dto.itemId) {
      await this.rpc.send(P.AccountSelectionStarted, { userId, itemId: dto.itemId });
    }
    return this.rpc.send(P.LinkTokenCreate, {
      userId,
      itemId: dto.itemId,
      accountSelection: dto.accountSelection,
    });
  }
}
