import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import {
  DeletionStatusByTokenRequest,
  type DeletionStatusDto,
  DeletionStatusRequest,
  EventPattern as E,
  MessagePattern as P,
  type SealedDeletionAccepted,
  SealedDeletionRequest,
  UserDeletionStepEvent,
} from '@app/contracts';
import { DeletionsService } from './deletions.service';

@Controller()
export class DeletionsHandler {
  constructor(private readonly deletions: DeletionsService) {}

  @MessagePattern(P.AuthDeletionRequest)
  request(@Payload() dto: SealedDeletionRequest): Promise<SealedDeletionAccepted> {
    return this.deletions.request(dto);
  }

  @MessagePattern(P.AuthDeletionStatus)
  status(@Payload() dto: DeletionStatusRequest): Promise<DeletionStatusDto> {
    return this.deletions.statusForUser(dto.userId);
  }

  @MessagePattern(P.AuthDeletionStatusByToken)
  statusByToken(@Payload() dto: DeletionStatusByTokenRequest): Promise<DeletionStatusDto> {
    return this.deletions.statusByToken(dto.deletionId, dto.sealedStatusToken);
  }

  @EventPattern(E.UserLinkDataDeleted)
  linkDeleted(@Payload() event: UserDeletionStepEvent): Promise<void> {
    return this.deletions.onLinkDeleted(event);
  }

  @EventPattern(E.UserSyncDataDeleted)
  syncDeleted(@Payload() event: UserDeletionStepEvent): Promise<void> {
    return this.deletions.onSyncDeleted(event);
  }
}
