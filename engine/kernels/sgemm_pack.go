package kernels

// packA copies rows [ic, ic+mc) x columns [pc, pc+kc) of op(A) into dst as
// micro-panels of mr rows: panel i holds kc steps of mr values, rows past
// the end of A are zero.
func (j *gemmJob) packA(dst []float32, ic, mc, pc, kc int) {
	mr, a, lda := j.kern.mr, j.a, j.lda
	for ir := 0; ir < mc; ir += mr {
		mm := min(mr, mc-ir)
		d := dst[ir*kc : ir*kc+kc*mr]
		switch {
		case j.transA:
			copyRows(d, mr, a[pc*lda+ic+ir:], lda, kc, mm)
		case j.kern.asmPack:
			transPack(d, mr, a[(ic+ir)*lda+pc:], lda, mm, kc)
		default:
			gatherPack(d, mr, a[(ic+ir)*lda+pc:], lda, mm, kc)
		}
		if mm < mr {
			for p := 0; p < kc; p++ {
				clear(d[p*mr+mm : p*mr+mr])
			}
		}
	}
}

// packB copies rows [pc, pc+kc) x columns [jc, jc+nc) of op(B) into dst as
// micro-panels of nr columns: panel j holds kc steps of nr values, columns
// past the end of B are zero.
func (j *gemmJob) packB(dst []float32, pc, kc, jc, nc int) {
	nr, b, ldb := j.kern.nr, j.b, j.ldb
	if !j.transB {
		// Walk B by rows so the reads are sequential (the hardware
		// prefetcher follows them; a column panel would touch a new page on
		// every row).
		full := nc / nr * nr
		if j.kern.asmPack && full > 0 {
			packBRows(dst, kc*nr, b[pc*ldb+jc:], ldb, kc, full/nr)
		} else {
			for p := 0; p < kc; p++ {
				src := b[(pc+p)*ldb+jc : (pc+p)*ldb+jc+full]
				for jr := 0; jr < full; jr += nr {
					copy(dst[jr*kc+p*nr:jr*kc+p*nr+nr], src[jr:jr+nr])
				}
			}
		}
		if full < nc {
			d := dst[full*kc : full*kc+kc*nr]
			copyRows(d, nr, b[pc*ldb+jc+full:], ldb, kc, nc-full)
			for p := 0; p < kc; p++ {
				clear(d[p*nr+nc-full : p*nr+nr])
			}
		}
		return
	}
	for jr := 0; jr < nc; jr += nr {
		nn := min(nr, nc-jr)
		d := dst[jr*kc : jr*kc+kc*nr]
		src := b[(jc+jr)*ldb+pc:]
		if j.kern.asmPack {
			transPack(d, nr, src, ldb, min(nn, 16), kc)
			if nn > 16 {
				transPack(d[16:], nr, src[16*ldb:], ldb, nn-16, kc)
			}
		} else {
			gatherPack(d, nr, src, ldb, nn, kc)
		}
		if nn < nr {
			for p := 0; p < kc; p++ {
				clear(d[p*nr+nn : p*nr+nr])
			}
		}
	}
}

// gatherPack sets dst[p*ds + r] = src[r*ld + p] for r < rows, p < kc
// (pure Go, four source rows at a time).
func gatherPack(dst []float32, ds int, src []float32, ld, rows, kc int) {
	r := 0
	for ; r+4 <= rows; r += 4 {
		s0 := src[r*ld : r*ld+kc]
		s1 := src[(r+1)*ld : (r+1)*ld+kc]
		s2 := src[(r+2)*ld : (r+2)*ld+kc]
		s3 := src[(r+3)*ld : (r+3)*ld+kc]
		for p := range s0 {
			o := dst[p*ds+r : p*ds+r+4 : p*ds+r+4]
			o[0], o[1], o[2], o[3] = s0[p], s1[p], s2[p], s3[p]
		}
	}
	for ; r < rows; r++ {
		for p, v := range src[r*ld : r*ld+kc] {
			dst[p*ds+r] = v
		}
	}
}

// transPack is gatherPack for rows <= 16 in AVX-512 (16x16 register
// transposes). The slicing bounds-checks the whole block first.
func transPack(dst []float32, ds int, src []float32, ld, rows, kc int) {
	if rows <= 0 || kc <= 0 {
		return
	}
	if rows > 16 {
		panic("kernels: transPack: more than 16 rows")
	}
	dst = dst[:(kc-1)*ds+rows]
	src = src[:(rows-1)*ld+kc]
	transPackp(dst, ds, src, ld, rows, kc)
}

// packBRows copies kc rows of panels*32 floats of src (row stride ld) into
// 32-wide panels ps floats apart.
func packBRows(dst []float32, ps int, src []float32, ld, kc, panels int) {
	if kc <= 0 || panels <= 0 {
		return
	}
	dst = dst[:(panels-1)*ps+kc*32]
	src = src[:(kc-1)*ld+panels*32]
	packBRowsp(dst, ps, src, ld, kc, panels)
}
