import { Injectable } from '@nestjs/common';
import { type AccountListDto, DomainError, ErrorCode } from '@app/contracts';
import { AccountsRepository } from './accounts.repository';

@Injectable()
export class AccountsService {
  constructor(private readonly accounts: AccountsRepository) {}

  // Ownership is checked here, where the data is: an item that is not the caller's answers 404.
  async list(userId: string, itemId?: string): Promise<AccountListDto> {
    const data = await this.accounts.listForUser(userId, itemId);
    if (data === null) throw new DomainError(ErrorCode.NotFound, 'Item not found');
    return { data };
  }
}
