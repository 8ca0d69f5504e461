package kernels

//go:generate go run ./asmgen -out kernels_amd64.s -stubs kernels_stubs_amd64.go -pkg kernels -shapes gemm_shapes_amd64.go
//go:generate gofmt -w gemm_shapes_amd64.go
