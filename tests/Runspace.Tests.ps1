# A session per runspace: the session Connect-HubAccount opens is the current session of the runspace
# that opened it. Parallel runspaces (ForEach-Object -Parallel, which also reuses a runspace for a later
# item after resetting it) and Start-ThreadJob jobs never see or change each other's session; -Session
# still works across runspaces, with one renewal for one session object. Disconnect-HubAccount and tab
# completion follow the same rule. Which account a command reached is read from the emulator.

BeforeAll {
    Import-Module $env:DOCKERHUBPAT_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    $script:Hub = $env:DOCKERHUBPAT_TEST_HUB.TrimEnd('/')
    $script:Module = $env:DOCKERHUBPAT_TEST_MODULE

    function New-Account {
        # A fresh account with tokens labelled '<prefix>-0001'…; returned with its labels.
        param([Parameter(Mandatory)][string] $Prefix, [int] $Count = 2, [string] $TotpSecret)
        $with = @{}
        if ($TotpSecret) { $with.TotpSecret = $TotpSecret }
        $account = New-TestAccount -Prefix $Prefix @with
        $labels = @(@(Add-TestToken -Username $account.Username -Count $Count -LabelPrefix "$Prefix-").token_label)
        $account | Add-Member -NotePropertyName Labels -NotePropertyValue $labels -PassThru
    }

    function Get-ServerLabel($Account) { @(Get-ServerToken -Username $Account.Username).token_label | Sort-Object }

    function Get-Login { @(Get-HubRequestLog -Path '/v2/users/login' | Where-Object method -EQ 'POST') }

    # The test's own runspace is signed in to a third account, which no other runspace may see or change.
    $script:Parent = New-Account 'rsparent' 3
    Connect-TestAccount $script:Parent
}

AfterAll {
    Disconnect-HubAccount
}

Describe 'ForEach-Object -Parallel over two accounts' {
    BeforeAll {
        # Both runspaces sign in before either goes on (a bounded wait), so with one shared current
        # session the later sign-in would be the one both use. Passed as text: -Parallel refuses script blocks.
        $script:Barrier = {
            param([Collections.Concurrent.ConcurrentDictionary[string, bool]] $Arrived, [string] $Name, [int] $Expected)
            $null = $Arrived.TryAdd($Name, $true)
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while ($Arrived.Count -lt $Expected -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
        }.ToString()
    }

    It 'each runspace lists its own account''s tokens, and the parent''s session stays its own' {
        $alpha = New-Account 'rsalpha' 3
        # The second account signs in with a TOTP seed, as a runbook does.
        $totp = New-Account 'rstotp' 2 -TotpSecret 'JBSWY3DPEHPK3PXP'
        $arrived = [Collections.Concurrent.ConcurrentDictionary[string, bool]]::new()

        $results = @($alpha, $totp | ForEach-Object -ThrottleLimit 2 -Parallel {
                $account = $_
                Import-Module $using:Module
                $with = @{}
                if ($account.TotpSecret) { $with.TotpSecret = ConvertTo-SecureString $account.TotpSecret -AsPlainText -Force }
                Connect-HubAccount -Credential $account.Credential -HubUri $using:Hub @with
                & ([scriptblock]::Create($using:Barrier)) $using:arrived $account.Username 2
                [pscustomobject]@{ Username = $account.Username; Labels = @((Get-HubAccessToken).Label | Sort-Object) }
            })

        $results | Should -HaveCount 2
        foreach ($account in $alpha, $totp) {
            $result = $results | Where-Object Username -EQ $account.Username
            $result.Labels | Should -Be ($account.Labels | Sort-Object) -Because "the runspace of $($account.Username) must list its own tokens"
        }
        @((Get-HubAccessToken).Label | Sort-Object) | Should -Be ($script:Parent.Labels | Sort-Object)
    }

    It 'a removal in one runspace removes only that runspace''s account''s tokens' {
        $remover = New-Account 'rsremover' 3
        $bystander = New-Account 'rsbystander' 2
        $arrived = [Collections.Concurrent.ConcurrentDictionary[string, bool]]::new()

        $results = @($remover, $bystander | ForEach-Object -ThrottleLimit 2 -Parallel {
                $account = $_
                Import-Module $using:Module
                Connect-HubAccount -Credential $account.Credential -HubUri $using:Hub
                & ([scriptblock]::Create($using:Barrier)) $using:arrived $account.Username 2
                if ($account.Username -like 'rsremover*') {
                    Get-HubAccessToken | Remove-HubAccessToken -Force
                    $shared = $using:arrived
                    $null = $shared.TryAdd('removed', $true)
                }
                else {
                    # Lists again after the other runspace's removal.
                    & ([scriptblock]::Create($using:Barrier)) $using:arrived 'listing' 4
                }
                [pscustomobject]@{ Username = $account.Username; Labels = @((Get-HubAccessToken).Label | Sort-Object) }
            })

        ($results | Where-Object Username -EQ $remover.Username).Labels | Should -BeNullOrEmpty
        ($results | Where-Object Username -EQ $bystander.Username).Labels | Should -Be ($bystander.Labels | Sort-Object)
        Get-ServerLabel $remover | Should -BeNullOrEmpty
        Get-ServerLabel $bystander | Should -Be ($bystander.Labels | Sort-Object)
        Get-ServerLabel $script:Parent | Should -Be ($script:Parent.Labels | Sort-Object)
    }

    It 'a runspace that did not sign in has no session, even when it is reused after an item that did' {
        $account = New-Account 'rsreuse' 1
        # One runspace at a time, so the second item reuses the first item's runspace (after a reset).
        $results = @(1, 2 | ForEach-Object -ThrottleLimit 1 -Parallel {
                Import-Module $using:Module
                $item = $_
                if ($item -eq 1) { Connect-HubAccount -Credential ($using:account).Credential -HubUri $using:Hub }
                $outcome = try { @(Get-HubAccessToken -ErrorAction Stop).Label -join ',' } catch { $_.FullyQualifiedErrorId }
                [pscustomobject]@{ Item = $item; Runspace = [runspace]::DefaultRunspace.InstanceId; Outcome = $outcome }
            })

        $results[0].Outcome | Should -Be $account.Labels[0]
        $results[1].Outcome | Should -BeLike 'HubNotConnected,*'
        $results[1].Runspace | Should -Be $results[0].Runspace -Because 'the runspace is reused, which is the case being tested'
    }

    It 'a runspace that did not sign in has no session although the parent has one' {
        $outcome = 1 | ForEach-Object -Parallel {
            Import-Module $using:Module
            try { Get-HubAccessToken -ErrorAction Stop } catch { $_.FullyQualifiedErrorId }
        }
        $outcome | Should -BeLike 'HubNotConnected,*'
    }

    It 'Disconnect-HubAccount in a parallel runspace leaves the parent''s session alone' {
        $account = New-Account 'rsdisc' 1
        $outcome = 1 | ForEach-Object -Parallel {
            Import-Module $using:Module
            Connect-HubAccount -Credential ($using:account).Credential -HubUri $using:Hub
            Disconnect-HubAccount
            try { Get-HubAccessToken -ErrorAction Stop } catch { $_.FullyQualifiedErrorId }
        }
        $outcome | Should -BeLike 'HubNotConnected,*'
        @((Get-HubAccessToken).Label | Sort-Object) | Should -Be ($script:Parent.Labels | Sort-Object)
    }
}

Describe '-Session across runspaces' {
    It 'a session passed with $using: works in parallel runspaces, with the one sign-in of its Connect-HubAccount' {
        $account = New-Account 'rsusing' 2
        Clear-HubRequestLog
        $session = Connect-HubAccount -Credential $account.Credential -HubUri $script:Hub -PassThru
        try {
            $results = @(1..4 | ForEach-Object -ThrottleLimit 4 -Parallel {
                    Import-Module $using:Module
                    @((Get-HubAccessToken -Session $using:session).Label | Sort-Object) -join ','
                })
            $results | Should -HaveCount 4
            $results | ForEach-Object { $_ | Should -Be (($account.Labels | Sort-Object) -join ',') }
            (Get-Login).Count | Should -Be 1
        }
        finally {
            # Connecting made it this runspace's session; the parent's is restored for the tests below.
            Connect-TestAccount $script:Parent
        }
    }
}

Describe 'Start-ThreadJob' {
    BeforeAll {
        $script:NoThreadJob = -not (Get-Command Start-ThreadJob -ErrorAction SilentlyContinue)
    }

    It 'a thread job neither sees the parent''s session nor changes it by signing in' -Skip:$NoThreadJob {
        $account = New-Account 'rsjob' 2
        $job = Start-ThreadJob -ArgumentList $script:Module, $script:Hub, $account.Credential {
            param($Module, $Hub, $Credential)
            Import-Module $Module
            $before = try { Get-HubAccessToken -ErrorAction Stop; 'listed' } catch { $_.FullyQualifiedErrorId }
            Connect-HubAccount -Credential $Credential -HubUri $Hub
            [pscustomobject]@{ Before = $before; Labels = @((Get-HubAccessToken).Label | Sort-Object) }
        }
        $result = $job | Wait-Job -Timeout 60 | Receive-Job
        $job | Remove-Job -Force

        $result.Before | Should -BeLike 'HubNotConnected,*'
        $result.Labels | Should -Be ($account.Labels | Sort-Object)
        @((Get-HubAccessToken).Label | Sort-Object) | Should -Be ($script:Parent.Labels | Sort-Object)
    }
}

Describe 'Tab completion' {
    It 'completes from the session of the prompt''s runspace, not one another runspace opened since' {
        $other = New-Account 'rscompl' 2
        1 | ForEach-Object -Parallel {
            Import-Module $using:Module
            Connect-HubAccount -Credential ($using:other).Credential -HubUri $using:Hub
        }
        $line = 'Get-HubAccessToken -Label '
        $offers = @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches |
                Where-Object ResultType -EQ 'ParameterValue').ListItemText | Sort-Object
        $offers | Should -Be ($script:Parent.Labels | Sort-Object)
    }
}
