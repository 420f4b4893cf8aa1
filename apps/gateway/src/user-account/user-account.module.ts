import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { RpcModule } from '../rpc/rpc.module';
import { AccountController } from './account.controller';
import { AccountService } from './account.service';

@Module({
  imports: [AuthModule, RpcModule],
  controllers: [AccountController],
  providers: [AccountService],
})
export class AccountModule {}
