module stockade.dev/gotemplate-difftest

go 1.22
