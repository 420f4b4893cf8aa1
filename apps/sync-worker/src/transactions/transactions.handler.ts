import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { MessagePattern as P, type TransactionPageDto, TransactionsListRequest } from '@app/contracts';
import { TransactionsRepository } from './transactions.repository';

@Controller()
export class TransactionsHandler {
  constructor(private readonly transactions: TransactionsRepository) {}

  @MessagePattern(P.TransactionsList)
  list(@Payload() dto: TransactionsListRequest): Promise<TransactionPageDto> {
    return this.transactions.page(dto);
  }
}
