import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { RpcModule } from '../rpc/rpc.module';
import { AccountController } from './account.controller';
import { AccountService } from './account.service';

// The signed-in user's own account over /v1/auth/*: password change, sessions, account deletion (through auth).
@Module({
  imports: [AuthModule, RpcModule],
  controllers: [AccountController],
  providers: [AccountService],
})
export class AccountModule {}
