import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CategoryListDto, categoryList } from '@app/contracts';

const CATEGORIES = categoryList();

// The category vocabulary (Plaid's personal finance categories): static, public, no round trip.
@ApiTags('transactions')
@Controller('v1/categories')
export class CategoriesController {
  @Get()
  @ApiOperation({
    summary: "The categories a transaction or rule may use: Plaid's primary and detailed codes",
  })
  @ApiResponse({ status: 200, type: CategoryListDto })
  list(): CategoryListDto {
    return CATEGORIES;
  }
}
