#if defined(__AVX512VNNI__) && defined(__AVX512F__)
                if ((nb & 1) == 0 && nb <= 64) {
                    /* AVX-512 VNNI: two Q8 blocks per 64-byte vector, one vpdpbusd per
                     * row; the accumulator starts at -8 * the activations' lane sums, so
                     * each int32 lane is exactly sum((w - 8) * a) over its 4 products. */
                    const int np = nb / 2;
                    const __m512i eights = _mm512_set1_epi8(8);
                    __m512 vacc[RO];
                    for (int r = 0; r < ro; r++) vacc[r] = _mm512_setzero_ps();
                    for (int p = 0; p < np; p++) {
                        __m512i av = _mm512_loadu_si512((const void *)(a + p * 64));
                        __m512i init = _mm512_sub_epi32(_mm512_setzero_si512(),
                            _mm512_dpbusd_epi32(_mm512_setzero_si512(), eights, av));
                        __m512 dav = _mm512_insertf32x8(_mm512_set1_ps(dT[2 * p]),
                                                        _mm256_set1_ps(dT[2 * p + 1]), 1);
                        for (int r = 0; r < ro; r++) {
                            __m512i wv = _mm512_loadu_si512((const void *)(wexp + (size_t)r * nin + p * 64));
                            __m512i s = _mm512_dpbusd_epi32(init, wv, av);
                            __m512 sc = _mm512_mul_ps(_mm512_loadu_ps(dws + ((size_t)r * 32 + p) * 16), dav);
                            vacc[r] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), sc, vacc[r]);
                        }
                    }
                    for (int r = 0; r < ro; r++)
                        Y[(size_t)t * nout + oo + r] =
                            (bias ? bias[oo + r] : 0.f) + _mm512_reduce_add_ps(vacc[r]);
                    continue;
                }
#endif
