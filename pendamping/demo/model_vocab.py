"""Word lists of the companion-model demo: applicants' motivations, the briefing's curriculum, schedule, budget
and facilities, logbook lines, and what companions find and follow up on their visits.

Data only, in the office's language (Indonesian), like the registry demo's vocab. Tuples keep the order fixed, so
the same seed picks the same words."""

# Long lists read better packed.
# fmt: off
MOTIVATIONS = (
    "Ingin membantu keluarga miskin di desa saya agar usahanya berkembang dan mandiri.",
    "Saya sudah lama aktif di kegiatan PKK dan ingin mendampingi kelompok usaha secara lebih serius.",
    "Saya melihat banyak KUBE di kecamatan saya berhenti karena tidak ada yang membimbing pembukuannya.",
    "Pengalaman saya berdagang ingin saya bagikan kepada kelompok usaha bersama di desa.",
    "Saya ingin mengabdi di bidang kesejahteraan sosial sesuai dengan pendidikan saya.",
    "Sebagai karang taruna saya terbiasa menggerakkan warga; saya ingin menggerakkan kelompok usaha juga.",
    "Saya ingin belajar dan sekaligus membantu warga miskin keluar dari kemiskinan melalui usaha bersama.",
    "Di desa saya ada beberapa KUBE ternak yang butuh pendamping; saya ingin mengisi kekosongan itu.",
)
EXPERIENCES = (
    "Pengurus koperasi simpan pinjam desa", "Kader PKK dan posyandu", "Pengurus karang taruna",
    "Pedagang di pasar kecamatan", "Pendamping BUMDes", "Relawan Tagana di kecamatan",
    "Pengelola usaha keripik rumahan", "Tenaga kesejahteraan sosial kecamatan (TKSK)",
    "Penyuluh swadaya pertanian", "Pengurus kelompok tani",
)

# Names and offices of fictional supervising officers in the regencies the demo officer does not cover.
SUPERVISORS = (
    "Sugeng Riyadi", "Endah Kusumawati", "Moh. Fauzi", "Tri Wahyuningsih", "Abd. Rahman", "Yuni Setyowati",
)

# --- the briefing -----------------------------------------------------------------------------------------------

BRIEFING_TITLE = "Pembekalan Calon Pendamping Angkatan I 2026"
VENUE = "Aula UPT Pelatihan Kesejahteraan Sosial, Dinas Sosial Provinsi Jawa Timur, Malang"
VENUE_CAPACITY = 30
# (name, institution, expertise)
INSTRUCTORS = (
    ("Drs. Hari Santoso, M.Si.", "Dinas Sosial Provinsi Jawa Timur", "Pemberdayaan KUBE dan usaha ekonomis produktif"),
    ("Dra. Endang Sulistyowati", "Dinas Sosial Provinsi Jawa Timur", "Pembukuan dan pelaporan keuangan kelompok"),
    ("Dr. Agus Wibisono, M.Si.", "Universitas Brawijaya", "Pengembangan masyarakat dan pendampingan sosial"),
    ("Rina Kusumawati, S.E.", "Bank Jatim", "Kredit usaha mikro dan kemitraan usaha"),
)
# (title, hours, learning goals): 30 hours over five days.
MODULES = (
    ("Konsep KUBE dan Usaha Ekonomis Produktif (UEP)", 4,
     "Memahami tujuan KUBE, syarat pembentukan, dan cara memilih usaha ekonomis produktif yang layak."),
    ("Peran pendamping: nara sumber, penggerak dan fasilitator", 6,
     "Mampu menjalankan tiga peran pendamping dan merencanakan kunjungan ke kelompok."),
    ("Pembukuan sederhana KUBE", 6,
     "Mampu mengajarkan buku kas, buku anggota dan laporan bulanan kepada pengurus KUBE."),
    ("Pemasaran dan pengembangan produk", 4,
     "Mampu membantu kelompok menentukan harga, kemasan dan tempat menjual produknya."),
    ("Iuran Kesetiakawanan Sosial (IKS) dan kesetiakawanan", 4,
     "Memahami pengumpulan dan penggunaan IKS serta cara menjaga kekompakan kelompok."),
    ("Kemitraan usaha dan akses permodalan", 6,
     "Mampu menghubungkan KUBE dengan bank, koperasi, dinas teknis dan mitra swasta."),
)
# Three sessions a day; on Friday the afternoon starts after the Friday prayer.
SLOTS = (("08:00", "10:00"), ("10:15", "12:15"), ("13:00", "15:00"))
FRIDAY_AFTERNOON = ("13:30", "15:30")
# (day 0-4, slot 0-2, module index, method, topic, instructor indices)
SESSIONS = (
    (0, 0, 0, "lecture", "Pembukaan; kebijakan KUBE dan program pemberdayaan", (0,)),
    (0, 1, 0, "discussion", "Memilih UEP yang layak di desa", (0,)),
    (0, 2, 1, "lecture", "Tiga peran pendamping", (2,)),
    (1, 0, 1, "role_play", "Bermain peran: pertemuan kelompok pertama", (2,)),
    (1, 1, 1, "case_study", "Studi kasus: KUBE yang anggotanya tidak aktif", (2, 0)),
    (1, 2, 2, "lecture", "Buku kas, buku anggota dan buku inventaris", (1,)),
    (2, 0, 2, "simulation", "Praktik mengisi buku kas satu bulan", (1,)),
    (2, 1, 2, "case_study", "Menyusun laporan bulanan dari buku kas", (1,)),
    (2, 2, 3, "lecture", "Harga pokok, kemasan dan saluran pemasaran", (2,)),
    (3, 0, 3, "field", "Praktik lapangan: pemasaran produk KUBE di pasar desa", (2, 0)),
    (3, 1, 4, "lecture", "Pengumpulan dan penggunaan IKS", (0,)),
    (3, 2, 4, "discussion", "Menjaga kesetiakawanan dan menyelesaikan konflik", (0,)),
    (4, 0, 5, "lecture", "Akses kredit usaha mikro dan syaratnya", (3,)),
    (4, 1, 5, "case_study", "Studi kasus: KUBE yang bermitra dengan pengepul", (3,)),
    (4, 2, 5, "discussion", "Rencana tindak lanjut pendamping; penutupan", (3, 0)),
)
# (item, planned, actual) in rupiah.
BUDGET = (
    ("Konsumsi peserta dan panitia (5 hari)", 18_000_000, 17_250_000),
    ("Penginapan peserta (4 malam)", 24_000_000, 24_000_000),
    ("Honorarium narasumber", 9_000_000, 9_000_000),
    ("Transport peserta pulang pergi", 7_500_000, 8_120_000),
    ("Modul, alat tulis dan bahan praktik", 4_500_000, 4_180_000),
    ("Praktik lapangan (sewa kendaraan)", 3_000_000, 2_750_000),
    ("Sertifikat dan dokumentasi", 1_500_000, 1_350_000),
)
# (item, quantity, ready); quantity None: one per participant and two spare.
EQUIPMENT = (
    ("LCD proyektor", 2, True), ("Layar proyektor", 2, True), ("Pengeras suara dan mikrofon", 1, True),
    ("Papan flipchart", 4, True), ("Modul cetak peserta", None, True), ("Kalkulator praktik pembukuan", None, True),
    ("Laptop cadangan", 1, False),
)

# --- the internship ---------------------------------------------------------------------------------------------

ROUND_TITLE = "Praktek Magang Calon Pendamping Angkatan I 2026"
# (activity, what was learnt), roughly in the order an internship goes.
LOGBOOK = (
    ("Perkenalan dengan pengurus dan anggota KUBE", "Sejarah kelompok dan pembagian tugas pengurus."),
    ("Mengikuti pertemuan rutin kelompok", "Cara ketua memimpin musyawarah dan mencatat keputusan."),
    ("Membantu bendahara mengisi buku kas", "Pencatatan pemasukan dan pengeluaran harian."),
    ("Ikut kegiatan produksi bersama anggota", "Tahapan produksi dan pembagian kerja anggota."),
    ("Ikut memasarkan produk ke pasar kecamatan", "Cara menawarkan produk dan mencatat pesanan."),
    ("Mendampingi penyusunan laporan bulanan", "Mengisi laporan dari buku kas dan daftar hadir."),
    ("Mengikuti pengumpulan IKS", "Pencatatan iuran dan penyaluran bantuan kepada anggota."),
    ("Kunjungan ke mitra usaha kelompok", "Syarat kerja sama dengan pengepul dan koperasi."),
    ("Membantu menyelesaikan perselisihan anggota", "Musyawarah untuk mufakat dan peran penengah."),
    ("Menyusun rencana usaha bulan depan bersama pengurus", "Rencana produksi, modal dan pemasaran."),
)
KETUA_NOTES = (
    "Rajin datang dan cepat akrab dengan anggota.", "Banyak membantu pembukuan kelompok.",
    "Perlu lebih berani berbicara di pertemuan.", "Sangat membantu pemasaran produk kami.",
)
FAILED_NOTE = "Sering tidak hadir dan belum memahami pembukuan kelompok."

# --- visits -----------------------------------------------------------------------------------------------------

TOPIC_OTHER = (
    "Persiapan pameran produk UMKM", "Pendataan anggota baru", "Pelatihan pengemasan produk",
    "Musyawarah pergantian pengurus",
)
# (topic, problem found, follow-up action)
FINDINGS = (
    ("bookkeeping", "Buku kas belum diisi sejak bulan lalu", "Mendampingi bendahara mengisi buku kas"),
    ("bookkeeping", "Saldo kas tidak cocok dengan catatan", "Mencocokkan buku kas dengan bukti belanja"),
    ("marketing", "Produk menumpuk, pembeli sepi", "Menghubungkan kelompok dengan pedagang pasar kecamatan"),
    ("marketing", "Harga jual di bawah harga pokok", "Menghitung ulang harga pokok bersama pengurus"),
    ("production", "Ternak sakit, perlu pemeriksaan", "Menghubungi petugas kesehatan hewan kecamatan"),
    ("production", "Bahan baku sulit didapat", "Mencari pemasok bahan baku yang lebih dekat"),
    ("capital", "Modal usaha berkurang untuk menutup kerugian", "Menyusun rencana penghematan biaya usaha"),
    ("iks", "IKS tidak dibayar dua bulan", "Mengingatkan anggota dalam pertemuan tentang IKS"),
    ("organisation", "Pertemuan kelompok jarang diadakan", "Menjadwalkan pertemuan rutin bulanan"),
    ("organisation", "Sebagian anggota tidak aktif", "Mengunjungi anggota yang tidak aktif"),
    ("conflict", "Perselisihan pembagian hasil antaranggota", "Memfasilitasi musyawarah pembagian hasil"),
    ("partnership", "Belum ada mitra pembeli tetap", "Mempertemukan kelompok dengan calon mitra"),
    ("reporting", "Laporan bulanan terlambat", "Membantu pengurus menyusun laporan bulanan"),
)
# fmt: on
