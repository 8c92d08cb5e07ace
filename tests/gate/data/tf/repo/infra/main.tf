# resource "aws_lb" "nlb" {} is commented out here
/*
resource "aws_lb" "nlb" {
}
*/
locals {
  doc = <<-EOT
    resource "aws_lb" "nlb" {
    }
  EOT
  text = "resource \"aws_lb\" \"nlb\" { ${jsonencode({ a = "}" })}"
}

// the real one:
resource "aws_lb" "nlb" {
  load_balancer_type = "network"
  tags = {
    Note = <<EOF
resource "aws_lb_listener" "tls" {
EOF
  }
}

resource aws_lb_listener tls {
  port = 443
}

module "pl" {
  source   = "./modules/pl"
  for_each = toset(["burrito", "tacos"])
}
