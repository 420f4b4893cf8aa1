import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { Sealer } from '@app/common';
import { APP_CONFIG, type GatewayConfig } from '../config';
import { RpcModule } from '../rpc/rpc.module';
import { AuthController } from './auth.controller';
import { AuthGatewayService } from './auth.service';
import { DeletionStatusJwtStrategy, JwtStrategy } from './jwt.strategy';
import { RevocationsService } from './revocations.service';

// Sign-up, login and sessions (through the auth service), and the access-token check every other feature's
// JwtAuthGuard relies on (the 'jwt' passport strategy, with the revoked sessions kept in memory).
@Module({
  imports: [PassportModule, RpcModule],
  controllers: [AuthController],
  providers: [
    JwtStrategy,
    DeletionStatusJwtStrategy,
    AuthGatewayService,
    RevocationsService,
    {
      provide: Sealer,
      inject: [APP_CONFIG],
      useFactory: (c: GatewayConfig) => new Sealer(c.BROKER_SEALING_SECRET),
    },
  ],
  exports: [RevocationsService, Sealer],
})
export class AuthModule {}
