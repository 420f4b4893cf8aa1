import { Module } from '@nestjs/common';
import { RpcModule } from '../rpc/rpc.module';
import { ExportController } from './export.controller';
import { ExportService } from './export.service';

// The user's data export, as JSON or a zip of CSVs, gathered from every service.
@Module({
  imports: [RpcModule],
  controllers: [ExportController],
  providers: [ExportService],
})
export class ExportModule {}
