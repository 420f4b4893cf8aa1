import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
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
import { EventHandler, RpcHandler } from '@app/messaging';
import { DeletionsService } from './deletions.service';

@Controller()
export class DeletionsHandler {
  constructor(private readonly deletions: DeletionsService) {}

  @RpcHandler(P.AuthDeletionRequest)
  request(@Payload() dto: SealedDeletionRequest): Promise<SealedDeletionAccepted> {
    return this.deletions.request(dto);
  }

  @RpcHandler(P.AuthDeletionStatus)
  status(@Payload() dto: DeletionStatusRequest): Promise<DeletionStatusDto> {
    return this.deletions.statusForUser(dto.userId);
  }

  @RpcHandler(P.AuthDeletionStatusByToken)
  statusByToken(@Payload() dto: DeletionStatusByTokenRequest): Promise<DeletionStatusDto> {
    return this.deletions.statusByToken(dto.deletionId, dto.sealedStatusToken);
  }

  @EventHandler(E.UserLinkDataDeleted)
  linkDeleted(@Payload() event: UserDeletionStepEvent): Promise<void> {
    return this.deletions.onLinkDeleted(event);
  }

  @EventHandler(E.UserSyncDataDeleted)
  syncDeleted(@Payload() event: UserDeletionStepEvent): Promise<void> {
    return this.deletions.onSyncDeleted(event);
  }
}
