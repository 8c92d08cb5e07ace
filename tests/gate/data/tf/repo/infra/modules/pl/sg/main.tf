
resource "aws_security_group" "this" {}
