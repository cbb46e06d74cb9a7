"""The DCGAN example's shape: a transposed-conv generator and a strided-conv discriminator, a
`weights_init(m)` that sets conv weights through `.data.normal_(0.0, 0.02)` and BatchNorm's
through `.data.normal_(1.0, 0.02)` / `.data.fill_(0)`, applied with `model.apply`; then the
two-optimizer step: D on real (label.fill_(real_label)) and on G(noise).detach(), G through D
with the labels flipped. The noise is drawn by each library's own generator: PARITY = False."""
import tinygrad_cnn as torch
import tinygrad_cnn.nn as nn
import tinygrad_cnn.optim as optim

torch.manual_seed(999)
nz, ngf, ndf, nc, batch_size = 8, 8, 8, 1, 6
real_label, fake_label = 1., 0.


def weights_init(m):
    classname = m.__class__.__name__
    if classname.find('Conv') != -1:
        m.weight.data.normal_(0.0, 0.02)
    elif classname.find('BatchNorm') != -1:
        m.weight.data.normal_(1.0, 0.02)
        m.bias.data.fill_(0)


class Generator(nn.Module):
    def __init__(self):
        super(Generator, self).__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 2, 4, 1, 0, bias=False),     # 1x1 -> 4x4
            nn.BatchNorm2d(ngf * 2),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False),    # 4x4 -> 8x8
            nn.BatchNorm2d(ngf),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False),         # 8x8 -> 16x16
            nn.Tanh())

    def forward(self, input):
        return self.main(input)


class Discriminator(nn.Module):
    def __init__(self):
        super(Discriminator, self).__init__()
        self.main = nn.Sequential(
            nn.Conv2d(nc, ndf, 4, 2, 1, bias=False),                  # 16 -> 8
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False),             # 8 -> 4
            nn.BatchNorm2d(ndf * 2),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf * 2, 1, 4, 1, 0, bias=False),               # 4 -> 1
            nn.Sigmoid())

    def forward(self, input):
        return self.main(input)


netG = Generator()
netG.apply(weights_init)
netD = Discriminator()
netD.apply(weights_init)
print(netG)
conv_std = netD.main[0].weight.std().item()
assert 0.01 < conv_std < 0.03, conv_std
assert netG.main[1].bias.abs().sum().item() == 0 and netG.main[1].bias.requires_grad

criterion = nn.BCELoss()
fixed_noise = torch.randn(4, nz, 1, 1)
optimizerD = optim.Adam(netD.parameters(), lr=0.0002, betas=(0.5, 0.999))
optimizerG = optim.Adam(netG.parameters(), lr=0.0002, betas=(0.5, 0.999))

# "real images": smooth blobs in [-1, 1]
grid = torch.linspace(-1, 1, 16)
blob = torch.exp(-(grid.view(1, -1) ** 2 + grid.view(-1, 1) ** 2) * 2) * 2 - 1
losses, G_losses, D_losses = [], [], []
for i in range(4):
    real_cpu = blob.expand(batch_size, nc, 16, 16) + 0.05 * torch.randn(batch_size, nc, 16, 16)
    # (1) Update D network: maximize log(D(x)) + log(1 - D(G(z)))
    netD.zero_grad()
    b_size = real_cpu.size(0)
    label = torch.full((b_size,), real_label, dtype=torch.float)
    output = netD(real_cpu).view(-1)
    errD_real = criterion(output, label)
    errD_real.backward()
    D_x = output.mean().item()
    noise = torch.randn(b_size, nz, 1, 1)
    fake = netG(noise)
    label.fill_(fake_label)
    output = netD(fake.detach()).view(-1)
    errD_fake = criterion(output, label)
    errD_fake.backward()
    D_G_z1 = output.mean().item()
    errD = errD_real + errD_fake
    optimizerD.step()
    # (2) Update G network: maximize log(D(G(z)))
    netG.zero_grad()
    label.fill_(real_label)  # fake labels are real for generator cost
    output = netD(fake).view(-1)
    errG = criterion(output, label)
    errG.backward()
    D_G_z2 = output.mean().item()
    optimizerG.step()
    print('[%d/4]\tLoss_D: %.4f\tLoss_G: %.4f\tD(x): %.4f\tD(G(z)): %.4f / %.4f'
          % (i, errD.item(), errG.item(), D_x, D_G_z1, D_G_z2))
    G_losses.append(errG.item())
    D_losses.append(errD.item())
    losses += [errD.item(), errG.item()]

with torch.no_grad():
    fake = netG(fixed_noise).detach().cpu()
assert tuple(fake.shape) == (4, nc, 16, 16) and fake.abs().max().item() <= 1.0
PARITY = False
