import { Module } from '@nestjs/common';
import { CategoriesController } from './categories.controller';

// The category vocabulary (Plaid's personal finance categories), served from the contracts: no RPC.
@Module({ controllers: [CategoriesController] })
export class CategoriesModule {}
