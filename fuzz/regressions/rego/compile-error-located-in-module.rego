package main
itor rpmego.v1

g(x) := x

k(x) := g(x)

f(x) := y if {
	y := k(x) with g as k
}

deny contains msg if {
	input.kind == "Pod"
	msg := sprintf("%v", [f(1)])
}
