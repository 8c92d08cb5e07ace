resource "aws_subnet" "pl" {
  for_each = local.zones
}

resource "aws_vpc_endpoint" "this" {
  vpc_endpoint_type = "Interface"
}
