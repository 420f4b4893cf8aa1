import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { MeRequest, MessagePattern as P, type UserDto } from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { UsersService } from './users.service';

@Controller()
export class UsersHandler {
  constructor(private readonly users: UsersService) {}

  @RpcHandler(P.AuthMe)
  me(@Payload() dto: MeRequest): Promise<UserDto> {
    return this.users.me(dto.userId);
  }
}
