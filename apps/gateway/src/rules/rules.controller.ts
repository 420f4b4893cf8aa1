import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  CreateRuleDto,
  DeleteRuleQueryDto,
  MessagePattern as P,
  RuleDto,
  RuleListDto,
  UpdateRuleDto,
} from '@app/contracts';
import { CurrentUser, JwtAuthGuard } from '../auth/jwt-auth.guard';
import { type AuthenticatedUser } from '../auth/jwt.strategy';
import { ApiErrors, ApiUserAuth } from '../http/api-docs';
import { Rpc } from '../rpc/rpc';

@ApiTags('rules')
@ApiUserAuth()
@UseGuards(JwtAuthGuard)
@Controller('v1/rules')
export class RulesController {
  constructor(private readonly rpc: Rpc) {}

  @Get()
  @ApiOperation({ summary: 'Your rules, in the order they apply (priority, then age)' })
  @ApiResponse({ status: 200, type: RuleListDto })
  list(@CurrentUser() user: AuthenticatedUser): Promise<RuleListDto> {
    return this.rpc.send(P.RulesList, { userId: user.userId });
  }

  @Post()
  @ApiOperation({
    summary: 'Create a rule: every transaction it matches gets what it sets (your own edits still win)',
    description:
      'Applied to each transaction as it is synced; applyToExisting re-applies your rules to the ones you have. ' +
      'Per field, the first matching rule by priority wins.',
  })
  @ApiResponse({ status: 201, type: RuleDto })
  @ApiErrors({ 400: 'VALIDATION_FAILED', 404: 'NOT_FOUND: match.accountId is not yours' })
  create(@CurrentUser() user: AuthenticatedUser, @Body() body: CreateRuleDto): Promise<RuleDto> {
    return this.rpc.send(P.RulesCreate, { ...body, userId: user.userId });
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a rule (match and set are replaced whole)' })
  @ApiResponse({ status: 200, type: RuleDto })
  @ApiErrors({ 400: 'VALIDATION_FAILED', 404: 'NOT_FOUND' })
  update(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: UpdateRuleDto,
  ): Promise<RuleDto> {
    return this.rpc.send(P.RulesUpdate, { ...body, userId: user.userId, id });
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a rule (applyToExisting=true re-applies the remaining rules)' })
  @ApiResponse({ status: 204 })
  @ApiErrors({ 404: 'NOT_FOUND' })
  async delete(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: DeleteRuleQueryDto,
  ): Promise<void> {
    await this.rpc.send(P.RulesDelete, {
      userId: user.userId,
      id,
      applyToExisting: query.applyToExisting,
    });
  }
}
