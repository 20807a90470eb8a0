package main

deny contains msg if {
  msg := [1, 2
}
