import { Readable } from 'node:stream';
import { Controller, Get, Query, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ExportQueryDto } from '@app/contracts';
import { type FastifyReply } from 'fastify';
import { CurrentUser, JwtAuthGuard } from '../auth/jwt-auth.guard';
import { type AuthenticatedUser } from '../auth/jwt.strategy';
import { ApiErrors, ApiUserAuth } from '../http/api-docs';
import { ExportService } from './export.service';

// How much of the export may wait in memory for a slow client before the next page is read.
const STREAM_HIGH_WATER_MARK = 64 * 1024;

@ApiTags('export')
@ApiUserAuth()
@UseGuards(JwtAuthGuard)
@Controller('v1/export')
export class ExportController {
  constructor(private readonly exports: ExportService) {}

  @Get()
  @ApiOperation({
    summary: 'Everything we hold of you, streamed',
    description:
      'json: one document {profile, sessions, items, accounts, balances, transactions}. csv: a zip with one ' +
      'CSV per table, each with a header row. No password hash, token or secret is included.',
  })
  @ApiProduces('application/json', 'application/zip')
  @ApiResponse({ status: 200, description: 'The export, as an attachment' })
  @ApiErrors({ 400: 'VALIDATION_FAILED: bad format' })
  async export(
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: ExportQueryDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    // The small parts first: a failure here is still an ordinary error answer.
    const snapshot = await this.exports.snapshot(user);
    const csv = query.format === 'csv';
    const day = snapshot.exportedAt.slice(0, 10);
    const body = Readable.from(csv ? this.exports.csvZip(snapshot) : this.exports.json(snapshot), {
      objectMode: false,
      highWaterMark: STREAM_HIGH_WATER_MARK,
    });
    await reply
      .header('Content-Type', csv ? 'application/zip' : 'application/json; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="export-${day}.${csv ? 'zip' : 'json'}"`)
      .header('Cache-Control', 'no-store')
      .send(body);
  }
}
