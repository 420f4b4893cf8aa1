import { Module } from '@nestjs/common';
import { RpcModule } from '../rpc/rpc.module';
import { ExportController } from './export.controller';
import { ExportService } from './export.service';

@Module({
  imports: [RpcModule],
  controllers: [ExportController],
  providers: [ExportService],
})
export class ExportModule {}
