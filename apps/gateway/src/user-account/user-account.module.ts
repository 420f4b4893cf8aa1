import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { RpcModule } from '../rpc/rpc.module';
import { UserAccountController } from './user-account.controller';
import { UserAccountService } from './user-account.service';

// The signed-in user's own account over /v1/auth/*: password change, sessions, account deletion (through auth).
@Module({
  imports: [AuthModule, RpcModule],
  controllers: [UserAccountController],
  providers: [UserAccountService],
})
export class UserAccountModule {}
