import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  type JsonText,
  MessagePattern as P,
  type TransactionChangesDto,
  TransactionChangesRequest,
  type TransactionPageDto,
  TransactionsListRequest,
  type TransactionDto,
  TransactionEditRequest,
  TransactionRef,
} from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { TransactionEditsService } from './transaction-edits.service';
import { TransactionChangesService } from './transaction-changes.service';
import { TransactionsService } from './transactions.service';

@Controller()
export class TransactionsHandler {
  constructor(
    private readonly transactions: TransactionsService,
    private readonly changes: TransactionChangesService,
    private readonly edits: TransactionEditsService,
  ) {}

  @RpcHandler(P.TransactionsGet)
  get(@Payload() dto: TransactionRef): Promise<JsonText<TransactionDto>> {
    return this.edits.get(dto);
  }

  @RpcHandler(P.TransactionsEdit)
  edit(@Payload() dto: TransactionEditRequest): Promise<JsonText<TransactionDto>> {
    return this.edits.edit(dto);
  }

  @RpcHandler(P.TransactionsList)
  list(@Payload() dto: TransactionsListRequest): Promise<JsonText<TransactionPageDto>> {
    return this.transactions.page(dto);
  }

  // The previous release's gateways ask for the page as an object.
  @RpcHandler(P.TransactionsListV1)
  listV1(@Payload() dto: TransactionsListRequest): Promise<TransactionPageDto> {
    return this.transactions.pageObject(dto);
  }

  @RpcHandler(P.TransactionsChanges)
  changesPage(@Payload() dto: TransactionChangesRequest): Promise<JsonText<TransactionChangesDto>> {
    return this.changes.page(dto);
  }
}
